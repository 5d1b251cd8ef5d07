//! Worked examples from the providers' own pages, one for each part of the
//! catalogue's schema v2, priced through the bundled catalogue. Each
//! expected figure is computed by hand in its comment from the published
//! prices (USD per 1M tokens; a cost is tokens x price / 10^6), so a wrong
//! figure in data/models.json fails here.

use serde_json::json;
use tokenmeter::catalogue::Lifetime;
use tokenmeter::cost::{self, usd, Cost, PriceQuery, Usage};
use tokenmeter::preflight::{self, ProblemCode};
use tokenmeter::time::Instant;
use tokenmeter::Catalogue;

fn at(s: &str) -> Instant {
    Instant::parse(s, "at").unwrap()
}

fn usage(input: u64, output: u64) -> Usage {
    Usage {
        input_tokens: input,
        output_tokens: output,
        ..Usage::default()
    }
}

fn price(model: &str, u: &Usage, when: &str, tier: Option<&str>) -> Cost {
    let q = PriceQuery {
        at: at(when),
        service_tier: tier,
    };
    cost::estimate_cost(Catalogue::bundled(), model, u, &q, None)
        .unwrap_or_else(|e| panic!("{model}: {e}"))
}

fn total(model: &str, u: &Usage, when: &str, tier: Option<&str>) -> f64 {
    usd(price(model, u, when, tier).total)
}

/// The full file, notes included, validates too (the build ships it
/// without the notes).
#[test]
fn the_file_with_its_notes_validates() {
    let full = Catalogue::from_json(include_str!("../data/models.json")).unwrap();
    assert_eq!(full.models().len(), Catalogue::bundled().models().len());
    assert!(full.models().iter().any(|m| m.uncertain.is_some()));
    assert!(Catalogue::bundled()
        .models()
        .iter()
        .all(|m| m.uncertain.is_none()));
}

/// GPT-5: a 400,000-token window with input capped at 272,000 and output at
/// 128,000 (OpenAI's GPT-5 model page, as LiteLLM's max_input_tokens and
/// models.dev's limit.input mirror it).
#[test]
fn an_input_cap_inside_a_larger_window() {
    let request = |words: usize, max_tokens: u64| {
        json!({
            "model": "gpt-5",
            "messages": [{ "role": "user", "content": " word".repeat(words) }],
            "max_completion_tokens": max_tokens,
        })
    };
    let check = |r: serde_json::Value| {
        preflight::preflight(Catalogue::bundled(), &r, None, None, at("2026-12-07")).unwrap()
    };
    // " word" is one o200k token; the cookbook's overhead is 3 for the
    // message, 1 for "user" and 3 to prime the reply.
    let refused = check(request(280_000, 1_000));
    assert_eq!(refused.input_tokens, Some(280_007));
    assert!(refused.problems.iter().any(
        |p| p.code == ProblemCode::ContextOverflow && p.message.contains("input cap of 272000")
    ));
    let accepted = check(request(269_000, 128_000));
    assert!(accepted.fits(), "{:?}", accepted.problems);
    assert_eq!(accepted.input_limit, Some(272_000));
}

/// gpt-6.2-sol (developers.openai.com/api/docs/models/gpt-6.2-sol): input
/// $2, cache writes $2.50 for 30 minutes and $5 for 12 hours, output $10.
#[test]
fn thirty_minute_and_twelve_hour_cache_writes() {
    let written = |ttl: &str| Usage {
        cache_write_tokens: 200_000,
        cache_write_ttl: Some(Lifetime::parse(ttl, "ttl").unwrap()),
        ..usage(250_000, 1_000)
    };
    // 50,000 x 2 + 200,000 x 2.50 + 1,000 x 10 = 0.10 + 0.50 + 0.01.
    assert_eq!(
        total("gpt-6.2-sol", &written("30m"), "2026-12-07", None),
        0.61
    );
    // 0.10 + 200,000 x 5 + 0.01.
    assert_eq!(
        total("gpt-6.2-sol", &written("12h"), "2026-12-07", None),
        1.11
    );
    // The default lifetime is the shortest priced one.
    let default = Usage {
        cache_write_ttl: None,
        ..written("30m")
    };
    assert_eq!(total("gpt-6.2-sol", &default, "2026-12-07", None), 0.61);
    // A lifetime the model does not price is an error, naming those it does.
    let q = PriceQuery::at(at("2026-12-07"));
    let e = cost::estimate_cost(
        Catalogue::bundled(),
        "gpt-6.2-sol",
        &written("5m"),
        &q,
        None,
    )
    .unwrap_err();
    assert_eq!(e.field_name(), Some("cacheWriteTtl"));
    assert!(e.message().contains("\"30m\", \"12h\""), "{e}");
}

/// gpt-6.1-terra (developers.openai.com, zh-Hans copy): standard $1 / $5;
/// flex half; Fast (service_tier priority) double.
#[test]
fn flex_and_priority() {
    let u = usage(100_000, 10_000);
    assert_eq!(total("gpt-6.1-terra", &u, "2026-12-07", None), 0.15);
    assert_eq!(
        total("gpt-6.1-terra", &u, "2026-12-07", Some("flex")),
        0.075
    );
    assert_eq!(
        total("gpt-6.1-terra", &u, "2026-12-07", Some("priority")),
        0.3
    );
    let q = PriceQuery {
        at: at("2026-12-07"),
        service_tier: Some("turbo"),
    };
    let e = cost::estimate_cost(Catalogue::bundled(), "gpt-6.1-terra", &u, &q, None).unwrap_err();
    assert_eq!(e.field_name(), Some("serviceTier"), "{e}");
}

/// o3's 80% cut on 2025-06-10 (OpenAI's announcement): $10 / $40 before,
/// $2 / $8 from that day. DeepSeek V4 Pro's lists (DeepSeek's pricing page
/// copies): $1.74 / $3.48 at launch, $0.435 / $0.87 from 2026-04-26.
#[test]
fn a_dated_price_change_reprices_old_usage() {
    let million = usage(1_000_000, 1_000_000);
    assert_eq!(total("o3", &million, "2025-06-09T23:59:59Z", None), 50.0);
    assert_eq!(total("o3", &million, "2025-06-10T00:00:00Z", None), 10.0);
    let u = usage(10_000, 2_000);
    // 10,000 x 1.74 + 2,000 x 3.48 = 0.0174 + 0.00696.
    assert_eq!(total("deepseek-v4-pro", &u, "2026-04-25", None), 0.02436);
    // 10,000 x 0.435 + 2,000 x 0.87 = 0.00435 + 0.00174.
    assert_eq!(total("deepseek-v4-pro", &u, "2026-05-10", None), 0.00609);
    // Before the first known list: priced at the earliest, with a warning.
    let early = price("o3", &million, "2024-01-01", None);
    assert_eq!(usd(early.total), 50.0);
    assert!(
        early.warnings.iter().any(|w| w.contains("no price known")),
        "{:?}",
        early.warnings
    );
}

/// gpt-6.2-sol bills a request with more than 272,000 input tokens wholly
/// at $4 in and $15 out (its model page).
#[test]
fn a_whole_request_tier_on_a_prompt_length_threshold() {
    // 272,000 x 2 + 10,000 x 10 = 0.544 + 0.10.
    let below = price("gpt-6.2-sol", &usage(272_000, 10_000), "2026-12-07", None);
    assert_eq!(
        (usd(below.total), below.tier_above_input_tokens),
        (0.644, None)
    );
    // 272,001 x 4 + 10,000 x 15 = 1.088004 + 0.15.
    let above = price("gpt-6.2-sol", &usage(272_001, 10_000), "2026-12-07", None);
    assert_eq!(usd(above.total), 1.238004);
    assert_eq!(above.tier_above_input_tokens, Some(272_000));
}

/// Claude Sonnet 4 was retired on 2026-06-15 (Anthropic's release notes).
#[test]
fn a_retired_model_is_still_priced_with_a_warning() {
    let u = usage(10_000, 1_000);
    // 10,000 x 3 + 1,000 x 15 = 0.03 + 0.015.
    let before = price("claude-sonnet-4", &u, "2026-06-01", None);
    assert_eq!(usd(before.total), 0.045);
    assert!(!before.warnings.iter().any(|w| w.contains("retired")));
    let after = price("claude-sonnet-4", &u, "2026-06-16", None);
    assert_eq!(usd(after.total), 0.045);
    assert!(
        after
            .warnings
            .iter()
            .any(|w| w.contains("retired on 2026-06-15")),
        "{:?}",
        after.warnings
    );
    let r = preflight::preflight(
        Catalogue::bundled(),
        &json!({ "model": "claude-sonnet-4", "messages": [{ "role": "user", "content": "hi" }] }),
        None,
        None,
        at("2026-12-07"),
    )
    .unwrap();
    assert!(r
        .problems
        .iter()
        .any(|p| p.code == ProblemCode::ModelRetired));
}

/// DeepSeek V4.1 Flash (api-docs.deepseek.com pricing): $0.30 miss, $0.006
/// hit, $1.20 output in peak hours (01:00-04:00 and 06:00-10:00 UTC on
/// weekdays), half at all other times.
#[test]
fn deepseek_peak_and_off_peak() {
    let u = Usage {
        cached_input_tokens: 80_000,
        ..usage(100_000, 5_000)
    };
    // 20,000 x 0.30 + 80,000 x 0.006 + 5,000 x 1.20 = 0.006 + 0.00048 + 0.006.
    let peak = price("deepseek-flash", &u, "2026-12-07T08:00:00Z", None);
    assert_eq!(
        (usd(peak.total), peak.time_window.as_deref()),
        (0.01248, Some("peak"))
    );
    // Half of each: 0.003 + 0.00024 + 0.003.
    for off_peak in [
        "2026-12-07T12:00:00Z",
        "2026-12-07T00:59:59Z",
        "2026-12-07T04:00:00Z",
        "2026-12-07T10:00:00Z",
        "2026-12-05T08:00:00Z", // a Saturday
    ] {
        assert_eq!(
            total("deepseek-flash", &u, off_peak, None),
            0.00624,
            "{off_peak}"
        );
    }
    for peak in [
        "2026-12-07T01:00:00Z",
        "2026-12-07T06:00:00Z",
        "2026-12-11T09:59:59Z",
    ] {
        assert_eq!(total("deepseek-flash", &u, peak, None), 0.01248, "{peak}");
    }
}

/// Workers AI (developers.cloudflare.com/workers-ai/platform/pricing):
/// Llama 3.3 70B fp8-fast uses 26,668 neurons per 1M input tokens and
/// 204,805 per 1M output; a neuron costs $0.011 per 1,000.
#[test]
fn workers_ai_prices_are_its_neurons() {
    let c = Catalogue::bundled();
    let m = c.model("@cf/meta/llama-3.3-70b-instruct-fp8-fast").unwrap();
    let units = m.units.unwrap();
    assert_eq!((units.input, units.output), (26_668.0, 204_805.0));
    let billing = c
        .providers()
        .iter()
        .find(|p| p.id == m.provider)
        .and_then(|p| p.billing.clone())
        .unwrap();
    assert_eq!(billing.price_per_million_units.usd_per_million(), 11.0);
    assert_eq!(billing.free_units_per_day, 10_000);
    // 2,000 x 26,668 + 500 x 204,805 = 155.7385 neurons, x $11 per 1M.
    assert_eq!(
        total(&m.id, &usage(2_000, 500), "2026-12-07", None),
        0.0017131235
    );
}
