//! Cost never overflows or panics; the parts sum to the total; it is
//! monotone in every count (one more token of any kind, uncached input, a
//! cache read, a cache write or output, never lowers the total, whatever the
//! long-context tier); and it is additive below a tier threshold (two
//! requests cost what their sum costs, to the pico-dollar).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::catalogue::{Lifetime, PriceList};
use tokenmeter::cost::{estimate_cost, pricing_from_json, Cost, PriceQuery, Usage};
use tokenmeter::time::Instant;
use tokenmeter::Catalogue;

const MAX: u64 = (1 << 53) - 1;

fn u(bytes: &[u8], i: usize) -> u64 {
    let mut b = [0u8; 8];
    for (k, slot) in b.iter_mut().enumerate().take(7) {
        *slot = bytes.get(i * 7 + k).copied().unwrap_or(0);
    }
    u64::from_le_bytes(b) % (1u64 << 53)
}

fn cost(usage: &Usage, pricing: &PriceList) -> Cost {
    let at = Instant::from_ms(1.8e12, "at").unwrap();
    let c = estimate_cost(Catalogue::bundled(), "fuzzed", usage, &PriceQuery::at(at), Some(pricing)).unwrap();
    assert_eq!(c.total, c.input + c.cached_input + c.cache_write + c.output, "{usage:?}");
    c
}

fuzz_target!(|data: &[u8]| {
    let flags = data.first().copied().unwrap_or(0);
    // Prices up to $100 per 1M tokens, in the shape every provider's has:
    // cache reads and batch below the list price, cache writes above it, and
    // a long-context tier that restates every price at least as high.
    let i = u(data, 0) % 100_000_000;
    let o = u(data, 1) % 100_000_000;
    let above = u(data, 2) % 1_000_000;
    let usd = |micro: u64| micro as f64 / 1e6;
    let pricing = pricing_from_json(
        &serde_json::json!({
            "input": usd(i), "output": usd(o), "cachedInput": usd(i / 10), "cacheWrite5m": usd(i * 5 / 4),
            "cacheWrite1h": usd(2 * i), "batchInput": usd(i / 2), "batchOutput": usd(o / 2),
            "tiers": [{
                "aboveInputTokens": above, "input": usd(2 * i), "output": usd(3 * o / 2), "cachedInput": usd(2 * i / 10),
                "cacheWrite5m": usd(2 * i * 5 / 4), "cacheWrite1h": usd(4 * i), "batchInput": usd(i), "batchOutput": usd(3 * o / 4)
            }]
        }),
        "pricing",
    )
    .unwrap();
    let input = u(data, 3);
    let cached = u(data, 4) % (input + 1);
    let write = u(data, 5) % (input - cached + 1);
    let output = u(data, 6);
    let usage = Usage {
        input_tokens: input,
        output_tokens: output,
        cached_input_tokens: cached,
        cache_write_tokens: write,
        cache_write_ttl: Some(if flags & 1 == 1 { Lifetime::ONE_HOUR } else { Lifetime::FIVE_MINUTES }),
        cache_write_1h_tokens: None,
        reasoning_tokens: output / 2,
        batch: flags & 2 == 2,
    };
    let c = cost(&usage, &pricing);

    // Monotone in every count: one more token of each kind.
    if input < MAX {
        let more = [
            Usage { input_tokens: input + 1, ..usage.clone() },
            Usage { input_tokens: input + 1, cached_input_tokens: cached + 1, ..usage.clone() },
            Usage { input_tokens: input + 1, cache_write_tokens: write + 1, ..usage.clone() },
        ];
        for m in &more {
            let t = cost(m, &pricing).total;
            assert!(t >= c.total, "{m:?} costs {t}, less than {usage:?} at {}", c.total);
        }
    }
    if output < MAX {
        let m = Usage { output_tokens: output + 1, ..usage.clone() };
        assert!(cost(&m, &pricing).total >= c.total, "{m:?}");
    }
    // Reasoning is part of output: it changes nothing on its own.
    let r = Usage { reasoning_tokens: output, ..usage.clone() };
    assert_eq!(cost(&r, &pricing).total, c.total);

    // Additive below the tier: split the request in two at fuzzed points.
    if input <= above {
        let share = |n: u64, k: usize| if n == 0 { 0 } else { u(data, k) % (n + 1) };
        let (i1, c1, w1, o1) = (share(input, 7), share(cached, 8), share(write, 9), share(output, 10));
        if c1 + w1 <= i1 && (cached - c1) + (write - w1) <= input - i1 {
            let a = Usage { input_tokens: i1, cached_input_tokens: c1, cache_write_tokens: w1, output_tokens: o1, reasoning_tokens: 0, ..usage.clone() };
            let b = Usage {
                input_tokens: input - i1,
                cached_input_tokens: cached - c1,
                cache_write_tokens: write - w1,
                output_tokens: output - o1,
                reasoning_tokens: 0,
                ..usage.clone()
            };
            let (ca, cb) = (cost(&a, &pricing), cost(&b, &pricing));
            assert_eq!(ca.total + cb.total, c.total, "{a:?} + {b:?} != {usage:?}");
            assert_eq!(ca.input + cb.input, c.input);
            assert_eq!(ca.cached_input + cb.cached_input, c.cached_input);
            assert_eq!(ca.cache_write + cb.cache_write, c.cache_write);
            assert_eq!(ca.output + cb.output, c.output);
            assert_eq!(c.tier_above_input_tokens, None);
        }
    }
});
