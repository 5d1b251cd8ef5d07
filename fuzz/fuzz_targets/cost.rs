//! Cost never overflows or panics, is monotone in every token count, and is
//! additive below a tier threshold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::cost::{estimate_cost, CacheTtl, Pricing, Usage};

fn u(bytes: &[u8], i: usize) -> u64 {
    let mut b = [0u8; 8];
    for (k, slot) in b.iter_mut().enumerate().take(7) {
        *slot = bytes.get(i * 7 + k).copied().unwrap_or(0);
    }
    u64::from_le_bytes(b) % (1u64 << 53)
}

fuzz_target!(|data: &[u8]| {
    let pricing = Pricing::from_json(
        &serde_json::json!({
            "input": (u(data, 0) % 100_000_000) as f64 / 1e6, "output": (u(data, 1) % 100_000_000) as f64 / 1e6,
            "cachedInput": 0.3, "cacheWrite5m": 3.75, "cacheWrite1h": 6, "batchInput": 0.5, "batchOutput": 1,
            "tiers": [{ "aboveInputTokens": u(data, 2) % 1_000_000, "input": 9, "output": 30 }]
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
        cache_write_ttl: if data.first().is_some_and(|b| b & 1 == 1) { CacheTtl::OneHour } else { CacheTtl::FiveMinutes },
        cache_write_1h_tokens: None,
        reasoning_tokens: output / 2,
        batch: data.first().is_some_and(|b| b & 2 == 2),
    };
    let c = estimate_cost(&usage, &pricing).unwrap();
    assert_eq!(c.total, c.input + c.cached_input + c.cache_write + c.output);
    let more_out = estimate_cost(&Usage { output_tokens: output.saturating_add(1).min((1 << 53) - 1), ..usage.clone() }, &pricing).unwrap();
    assert!(more_out.total >= c.total);
});
