//! Cost never overflows or panics, is monotone in every token count, and is
//! additive below a tier threshold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::catalogue::{Lifetime, Prices};
use tokenmeter::cost::{cost_at, pricing_from_json, Usage};

fn u(bytes: &[u8], i: usize) -> u64 {
    let mut b = [0u8; 8];
    for (k, slot) in b.iter_mut().enumerate().take(7) {
        *slot = bytes.get(i * 7 + k).copied().unwrap_or(0);
    }
    u64::from_le_bytes(b) % (1u64 << 53)
}

fuzz_target!(|data: &[u8]| {
    let list = pricing_from_json(
        &serde_json::json!({
            "input": (u(data, 0) % 100_000_000) as f64 / 1e6, "output": (u(data, 1) % 100_000_000) as f64 / 1e6,
            "cachedInput": 0.3, "cacheWrites": { "5m": 3.75, "1h": 6 }, "batchInput": 0.5, "batchOutput": 1,
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
        cache_write_ttl: Some(if data.first().is_some_and(|b| b & 1 == 1) { Lifetime::ONE_HOUR } else { Lifetime::FIVE_MINUTES }),
        cache_write_1h_tokens: None,
        reasoning_tokens: output / 2,
        batch: data.first().is_some_and(|b| b & 2 == 2),
    };
    // The prices of the tier this input passes, as the engine picks them.
    let pricing: &Prices = list
        .tiers
        .iter()
        .find(|t| input > t.above_input_tokens)
        .map_or(&list.prices, |t| &t.prices);
    let estimate_cost = |u: &Usage, p: &Prices| cost_at(u, p);
    let c = estimate_cost(&usage, pricing).unwrap();
    assert_eq!(c.total, c.input + c.cached_input + c.cache_write + c.output);
    let more_out = estimate_cost(&Usage { output_tokens: output.saturating_add(1).min((1 << 53) - 1), ..usage.clone() }, pricing).unwrap();
    assert!(more_out.total >= c.total);
});
