//! The cost engine: worked examples from the providers' pricing pages (with
//! explicit prices, so that they do not move with the catalogue), and
//! properties that hold for any usage.

mod common;

use common::Rng;
use serde_json::json;
use tokenmeter::catalogue::{Lifetime, PriceList};
use tokenmeter::cost::{self, usd, Cost, Input, PriceQuery, Usage};
use tokenmeter::time::Instant;
use tokenmeter::usage::usage_from_response;
use tokenmeter::{Catalogue, Result};

fn pricing(v: serde_json::Value) -> PriceList {
    cost::pricing_from_json(&v, "pricing").unwrap()
}

fn noon() -> Instant {
    Instant::parse("2026-12-07T12:00:00Z", "at").unwrap()
}

/// The cost of `u` at the explicit prices `p`.
fn estimate_cost(u: &Usage, p: &PriceList) -> Result<Cost> {
    cost::estimate_cost(
        Catalogue::bundled(),
        "any",
        u,
        &PriceQuery::at(noon()),
        Some(p),
    )
}

/// Claude Sonnet 4 list prices (anthropic.com/pricing): $3 in, $15 out,
/// cache writes 1.25x (5m) and 2x (1h), reads 0.1x, batch 50%, and $6/$22.50
/// above 200k input tokens.
fn sonnet() -> PriceList {
    pricing(json!({
        "input": 3, "output": 15, "cachedInput": 0.3, "cacheWrites": { "5m": 3.75, "1h": 6 },
        "batchInput": 1.5, "batchOutput": 7.5,
        "tiers": [{ "aboveInputTokens": 200000, "input": 6, "output": 22.5, "cachedInput": 0.6, "cacheWrites": { "5m": 7.5, "1h": 12 } }]
    }))
}

fn usage(input: u64, output: u64) -> Usage {
    Usage {
        input_tokens: input,
        output_tokens: output,
        ..Usage::default()
    }
}

#[test]
fn plain_call() {
    let c = estimate_cost(&usage(100_000, 100_000), &sonnet()).unwrap();
    assert_eq!(usd(c.input), 0.3);
    assert_eq!(usd(c.output), 1.5);
    assert_eq!(usd(c.total), 1.8);
}

#[test]
fn cache_reads_and_writes_use_their_multipliers() {
    // 10,000 prompt tokens: 8,000 read from cache, 1,000 written (5m), 1,000 plain.
    let u = Usage {
        cached_input_tokens: 8_000,
        cache_write_tokens: 1_000,
        ..usage(10_000, 500)
    };
    let c = estimate_cost(&u, &sonnet()).unwrap();
    assert_eq!(c.input, 1_000 * 3_000_000);
    assert_eq!(c.cached_input, 8_000 * 300_000);
    assert_eq!(c.cache_write, 1_000 * 3_750_000);
    assert_eq!(c.output, 500 * 15_000_000);
    assert_eq!(usd(c.total), 0.01665);
    // The 1-hour TTL costs 2x input.
    let one_hour = Usage {
        cache_write_ttl: Some(Lifetime::ONE_HOUR),
        ..u.clone()
    };
    assert_eq!(
        estimate_cost(&one_hour, &sonnet()).unwrap().cache_write,
        1_000 * 6_000_000
    );
    // A split 5m/1h write (Anthropic's cache_creation object).
    let split = Usage {
        cache_write_1h_tokens: Some(400),
        ..u
    };
    assert_eq!(
        estimate_cost(&split, &sonnet()).unwrap().cache_write,
        600 * 3_750_000 + 400 * 6_000_000
    );
}

#[test]
fn batch_halves_every_price_cache_included() {
    let u = Usage {
        cached_input_tokens: 8_000,
        cache_write_tokens: 1_000,
        batch: true,
        ..usage(10_000, 500)
    };
    let c = estimate_cost(&u, &sonnet()).unwrap();
    let full = estimate_cost(&Usage { batch: false, ..u }, &sonnet()).unwrap();
    assert_eq!(c.total * 2, full.total);
}

#[test]
fn long_context_tier_prices_the_whole_request() {
    let below = estimate_cost(&usage(200_000, 1_000), &sonnet()).unwrap();
    assert_eq!(below.tier_above_input_tokens, None);
    assert_eq!(below.input, 200_000 * 3_000_000);
    let above = estimate_cost(&usage(200_001, 1_000), &sonnet()).unwrap();
    assert_eq!(above.tier_above_input_tokens, Some(200_000));
    assert_eq!(above.input, 200_001 * 6_000_000);
    assert_eq!(above.output, 1_000 * 22_500_000);
}

#[test]
fn openai_cache_misses_cost_plain_input_and_reasoning_is_output() {
    // OpenAI has no cache-write price: a write is a plain input token.
    let o3 = pricing(json!({ "input": 2, "output": 8, "cachedInput": 0.5 }));
    let u = Usage {
        cached_input_tokens: 1_000,
        cache_write_tokens: 1_000,
        reasoning_tokens: 3_000,
        ..usage(3_000, 4_000)
    };
    let c = estimate_cost(&u, &o3).unwrap();
    assert_eq!(c.cache_write, 1_000 * 2_000_000);
    assert_eq!(c.cached_input, 1_000 * 500_000);
    assert_eq!(c.output, 4_000 * 8_000_000);
    assert_eq!(c.reasoning, 3_000 * 8_000_000);
    assert_eq!(c.total, c.input + c.cached_input + c.cache_write + c.output);
}

#[test]
fn a_billion_tokens_is_exact() {
    let p = pricing(json!({ "input": 0.075, "output": 0.3 }));
    let c = estimate_cost(&usage(1_000_000_000, 1_000_000_000), &p).unwrap();
    assert_eq!(usd(c.total), 375.0);
    let c = estimate_cost(&usage(9_007_199_254_740_991, 0), &p).unwrap();
    assert_eq!(c.total, 9_007_199_254_740_991u128 * 75_000);
}

#[test]
fn cost_is_additive_and_monotone() {
    let p = sonnet();
    let mut rng = Rng::new(3);
    for _ in 0..2_000 {
        let a = rng.below(150_000) as u64;
        let b = rng.below(40_000) as u64;
        let out = rng.below(10_000) as u64;
        let base = estimate_cost(&usage(a, out), &p).unwrap();
        let more_in = estimate_cost(&usage(a + b, out), &p).unwrap();
        let more_out = estimate_cost(&usage(a, out + b), &p).unwrap();
        assert!(more_out.total >= base.total);
        if a + b <= 200_000 {
            // Below the tier, cost is linear: cost(a + b) = cost(a) + cost(b).
            let part = estimate_cost(&usage(b, 0), &p).unwrap();
            assert_eq!(more_in.total, base.total + part.total);
        }
        assert!(more_in.total >= base.total);
    }
}

/// A pricing override that is not one. (The JS API's request readers are
/// checked, field by field, in tests/js/readers.test.mjs.)
#[test]
fn bad_pricing_is_refused() {
    for bad in [
        json!({ "input": -1, "output": 1 }),
        json!({ "output": 1 }),
        json!({ "input": 1, "output": 0.0000001 }),
    ] {
        assert!(cost::pricing_from_json(&bad, "pricing").is_err(), "{bad}");
    }
}

#[test]
fn provider_replies_normalise_to_one_convention() {
    let openai = usage_from_response(&json!({
        "model": "gpt-4o-2024-08-06",
        "usage": { "prompt_tokens": 2006, "completion_tokens": 300, "total_tokens": 2306,
                   "prompt_tokens_details": { "cached_tokens": 1920 },
                   "completion_tokens_details": { "reasoning_tokens": 0 } }
    }))
    .unwrap();
    assert_eq!(
        (
            openai.format,
            openai.usage.input_tokens,
            openai.usage.cached_input_tokens,
            openai.usage.output_tokens
        ),
        ("openai-chat", 2006, 1920, 300)
    );
    let responses = usage_from_response(&json!({
        "model": "o3", "usage": { "input_tokens": 500, "input_tokens_details": { "cached_tokens": 100 },
        "output_tokens": 900, "output_tokens_details": { "reasoning_tokens": 640 }, "total_tokens": 1400 }
    })).unwrap();
    assert_eq!(
        (
            responses.format,
            responses.usage.reasoning_tokens,
            responses.usage.output_tokens
        ),
        ("openai-responses", 640, 900)
    );
    // Anthropic's input_tokens excludes cache reads and writes.
    let anthropic = usage_from_response(&json!({
        "type": "message", "model": "claude-sonnet-4-20250514",
        "usage": { "input_tokens": 50, "cache_creation_input_tokens": 1000, "cache_read_input_tokens": 8000, "output_tokens": 200,
                   "cache_creation": { "ephemeral_5m_input_tokens": 600, "ephemeral_1h_input_tokens": 400 } }
    })).unwrap();
    let u = &anthropic.usage;
    assert_eq!(
        (
            u.input_tokens,
            u.cached_input_tokens,
            u.cache_write_tokens,
            u.cache_write_1h_tokens
        ),
        (9050, 8000, 1000, Some(400))
    );
    let gemini = usage_from_response(&json!({
        "modelVersion": "gemini-2.5-pro",
        "usageMetadata": { "promptTokenCount": 1200, "candidatesTokenCount": 300, "thoughtsTokenCount": 700, "cachedContentTokenCount": 1000, "totalTokenCount": 2200 }
    })).unwrap();
    let g = &gemini.usage;
    assert_eq!(
        (
            g.input_tokens,
            g.output_tokens,
            g.reasoning_tokens,
            g.cached_input_tokens
        ),
        (1200, 1000, 700, 1000)
    );
    assert!(usage_from_response(&json!({ "choices": [] })).is_err());
    assert!(usage_from_response(&json!({ "usage": { "prompt_tokens": -5 } })).is_err());
}

#[test]
fn compare_models_names_the_option_that_failed() {
    use tokenmeter::projection::{self, Workload};
    let c = Catalogue::bundled();
    let compare_models = |w: &Workload, models: Option<&[String]>, baseline: Option<&str>| {
        projection::compare_models(c, w, models, baseline, noon())
    };
    let w = Workload::new(c, "gpt-4o", Input::Tokens(10), 5).unwrap();
    let e = compare_models(&w, None, Some("nope")).unwrap_err();
    assert_eq!(e.code().as_str(), "UNKNOWN_MODEL");
    assert_eq!(e.field_name(), Some("baseline"), "{e}");
    assert!(e.message().starts_with("baseline: unknown model"), "{e}");
    let e = compare_models(&w, Some(&["gpt-4o".into(), "nope".into()]), None).unwrap_err();
    assert_eq!(e.field_name(), Some("models[1]"), "{e}");
    // The workload's own model, when it is the baseline, stays `model`.
    let text = Workload::new(c, "gpt-4o", Input::Text("hi".into()), 5).unwrap();
    let named = compare_models(&text, Some(&["gpt-4o".into()]), Some("gpt-4o")).unwrap();
    assert_eq!(named.baseline, "gpt-4o");
}
