//! Imports from LiteLLM's price map, against a small fixture written for
//! tokenmeter in its published shape (tests/fixtures/import/litellm.json):
//! the report entry by entry, the ids and providers, prices, tiers, kinds
//! and notes, exact units, and that an imported model prices as its
//! figures say.

mod common;

use common::import::{assert_skipped, fixture, import, skipped, sorted, total, usage};
use serde_json::{json, Value};
use tokenmeter::catalogue::import::{Format, ImportOptions, Prefer};
use tokenmeter::catalogue::{Lifetime, Price, WindowScope};
use tokenmeter::cost::Usage;
use tokenmeter::Catalogue;

const LITELLM_SKIPS: &[(&str, &str)] = &[
    ("sample_spec", "documentation of its fields"),
    (
        "gpt-4o",
        "the catalogue has gpt-4o; its own figures are kept",
    ),
    ("gpt-4o-2024-08-06", "a name of gpt-4o"),
    (
        "gemini-9-fixture-pro",
        "as gemini/gemini-9-fixture-pro does",
    ),
    (
        "fixture-image-model",
        "mode \"image_generation\": not priced by text tokens",
    ),
    ("fixture-moderation", "mode \"moderation\""),
    ("fixture-rerank", "mode \"rerank\""),
    (
        "fixture-no-window",
        "contextWindow (from max_input_tokens): is required",
    ),
    (
        "fixture-no-input-price",
        "prices.input (from input_cost_per_token): is required",
    ),
    (
        "fixture-null-price",
        "prices.input (from input_cost_per_token): is required",
    ),
    (
        "fixture-negative-price",
        "prices.input (from input_cost_per_token): must be a non-negative number",
    ),
    (
        "fixture-text-price",
        "input_cost_per_token: \"cheap\" is not a number",
    ),
    ("fixture-not-an-entry", "is not a model entry"),
];

#[test]
fn litellm_report() {
    let (c, r) = import("litellm", Prefer::Bundled);
    assert_eq!(
        sorted(&r.added),
        vec![
            "azure/gpt-4o",
            "claude-opus-4-9-fixture",
            "claude-sonnet-4-5-20260101",
            "deepseek-fixture",
            "fixture-completion",
            "fixture-free",
            "fixture-legacy-max-tokens",
            "fixture-tiny-prices",
            "fixture-window-smaller-than-output",
            "gemini-9-fixture-pro",
            "gpt-4.1-fixture-2026-03-01",
            "gpt-5.9-fixture",
            "gpt-6-sol-2026-12-01",
            "meta-llama/llama-4-fixture-70b-instruct",
            "o9-fixture",
            "text-embedding-fixture-large",
        ]
    );
    assert!(r.updated.is_empty());
    assert_skipped(&r, LITELLM_SKIPS);
    let entries = fixture("litellm").as_object().unwrap().len();
    assert_eq!(r.added.len() + r.updated.len() + r.skipped.len(), entries);
    assert_eq!(
        c.models().len(),
        Catalogue::bundled().models().len() + r.added.len()
    );
}

#[test]
fn litellm_ids_and_providers() {
    let (c, _) = import("litellm", Prefer::Bundled);
    // A Together host id keeps its path; the exact spelling is an alias.
    let llama = c.model("meta-llama/Llama-4-Fixture-70B-Instruct").unwrap();
    assert_eq!(llama.id, "meta-llama/llama-4-fixture-70b-instruct");
    assert_eq!(llama.provider, "together");
    // gemini/ is Google's API; azure/ another host, kept whole.
    assert_eq!(c.model("gemini-9-fixture-pro").unwrap().provider, "google");
    assert_eq!(c.model("azure/gpt-4o").unwrap().provider, "azure");
    assert_eq!(c.model("deepseek-fixture").unwrap().provider, "deepseek");
}

#[test]
fn litellm_prices_tiers_and_kinds() {
    let (c, _) = import("litellm", Prefer::Bundled);
    let opus = c.model("claude-opus-4-9-fixture").unwrap();
    let p = &opus.prices.prices;
    assert_eq!(
        (p.input, p.output, p.cached_input),
        (Price(5_000_000), Price(25_000_000), Some(Price(500_000)))
    );
    assert_eq!(
        p.cache_writes,
        vec![
            (Lifetime::FIVE_MINUTES, Price(6_250_000)),
            (Lifetime::ONE_HOUR, Price(10_000_000))
        ]
    );
    let tier = &opus.prices.tiers[0];
    assert_eq!(tier.above_input_tokens, 200_000);
    assert_eq!(
        (
            tier.prices.input,
            tier.prices.output,
            tier.prices.cached_input
        ),
        (Price(10_000_000), Price(37_500_000), Some(Price(1_000_000)))
    );
    assert_eq!(
        tier.prices.cache_writes[0],
        (Lifetime::FIVE_MINUTES, Price(12_500_000))
    );
    assert_eq!(
        opus.lifecycle.deprecation.unwrap().to_string(),
        "2027-06-30"
    );
    assert_eq!(opus.kind.as_str(), "reasoning");
}

#[test]
fn litellm_service_tiers_kinds_and_notes() {
    let (c, _) = import("litellm", Prefer::Bundled);
    let gpt = c.model("gpt-5.9-fixture").unwrap();
    assert_eq!(
        gpt.prices.prices.cache_writes,
        vec![(Lifetime::parse("30m", "").unwrap(), Price(1_562_500))]
    );
    let tiers: Vec<&str> = gpt
        .prices
        .service_tiers
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(tiers, vec!["flex", "priority"]);
    assert_eq!(
        c.model("deepseek-fixture")
            .unwrap()
            .prices
            .prices
            .cached_input,
        Some(Price(70_000))
    );
    let embed = c.model("text-embedding-fixture-large").unwrap();
    assert_eq!(
        (embed.kind.as_str(), embed.max_output_tokens),
        ("embedding", 1)
    );
    assert_eq!(embed.prices.prices.output, Price(0));
    assert_eq!(c.model("fixture-completion").unwrap().kind.as_str(), "chat");
    let free = &c.model("fixture-free").unwrap().prices.prices;
    assert_eq!((free.input, free.output), (Price(0), Price(0)));
    let legacy = c.model("fixture-legacy-max-tokens").unwrap();
    assert_eq!(
        (legacy.context_window, legacy.max_output_tokens),
        (4096, 4096)
    );
    assert!(legacy
        .uncertain
        .as_deref()
        .unwrap()
        .contains("legacy max_tokens"));
    // Not a figure this import can hold: said, not dropped silently.
    assert!(gpt
        .uncertain
        .as_deref()
        .unwrap()
        .contains("input_cost_per_audio_token"));
}

#[test]
fn a_missing_max_output_is_the_window_and_a_contradiction_is_cut_to_it() {
    let (c, _) = import("litellm", Prefer::Bundled);
    let gemini = c.model("gemini-9-fixture-pro").unwrap();
    assert_eq!(
        (gemini.context_window, gemini.max_output_tokens),
        (1_048_576, 1_048_576)
    );
    assert!(gemini
        .uncertain
        .as_deref()
        .unwrap()
        .contains("no max output: the window is used"));
    let cut = c.model("fixture-window-smaller-than-output").unwrap();
    assert_eq!((cut.context_window, cut.max_output_tokens), (8192, 8192));
    assert_eq!(cut.window_scope, WindowScope::InputAndOutput);
    assert!(cut
        .uncertain
        .as_deref()
        .unwrap()
        .contains("(32768) is larger than its window (8192)"));
    for file in ["openrouter", "genai-prices", "models.dev"] {
        let (c, r) = import(file, Prefer::Bundled);
        for id in &r.added {
            let m = c.model(id).unwrap();
            assert!(m.max_output_tokens <= m.context_window, "{file} {id}");
            let text = m.uncertain.as_deref().unwrap();
            assert!(text.starts_with("Imported from "), "{id}: {text}");
        }
    }
}

#[test]
fn per_token_prices_convert_exactly_and_round_half_up() {
    let entry = |price: Value| {
        json!({ "litellm_provider": "fixture-host", "mode": "chat", "max_input_tokens": 1000,
                "max_output_tokens": 100, "input_cost_per_token": price, "output_cost_per_token": 1e-6 })
    };
    let cases: Vec<(&str, Value, Result<u64, &str>)> = vec![
        ("a", json!(1e-7), Ok(100_000)),
        ("b", json!(2.5e-06), Ok(2_500_000)),
        ("c", json!("0.00000015"), Ok(150_000)),
        ("d", json!(0.0000012345678901), Ok(1_234_568)),
        ("e", json!("0.0000000000004999"), Ok(0)),
        ("f", json!("0.0000000000005"), Ok(1)),
        ("g", json!(0), Ok(0)),
        ("h", json!(-2e-6), Err("must be a non-negative number")),
        ("i", json!(null), Err("is required")),
        ("j", json!("n/a"), Err("is not a number")),
        ("k", json!([1e-6]), Err("is not a number")),
        ("l", json!(true), Err("is not a number")),
        ("m", json!(2.0), Err("beyond the accepted maximum")),
    ];
    let map: serde_json::Map<String, Value> = cases
        .iter()
        .map(|(k, v, _)| (format!("fixture-{k}"), entry(v.clone())))
        .collect();
    let mut c = Catalogue::bundled().clone();
    let options = ImportOptions {
        format: Format::LiteLlm,
        prefer: Prefer::Bundled,
    };
    let r = c.import(&Value::Object(map), &options).unwrap();
    let reasons = skipped(&r);
    for (k, value, expected) in cases {
        let id = format!("fixture-{k}");
        match expected {
            Ok(pico) => assert_eq!(
                c.model(&id).unwrap().prices.prices.input,
                Price(pico),
                "{value}"
            ),
            Err(words) => {
                assert!(
                    reasons[id.as_str()].contains(words),
                    "{value}: {}",
                    reasons[id.as_str()]
                );
                assert!(c.get(&id).is_none(), "{id} reached the catalogue");
            }
        }
    }
    let note = c.model("fixture-d").unwrap().uncertain.clone().unwrap();
    assert!(
        note.contains("rounded half up to 1.234568 USD per 1M tokens"),
        "{note}"
    );
    assert!(!c
        .model("fixture-b")
        .unwrap()
        .uncertain
        .clone()
        .unwrap()
        .contains("rounded"));
}

#[test]
fn litellm_models_price_as_their_figures_say() {
    let (c, _) = import("litellm", Prefer::Bundled);
    // claude-opus-4-9-fixture above 200K input: $10 input, $37.50 output,
    // $1 cache reads, $12.50 5-minute writes, $10 one-hour writes per 1M.
    // 300,000 input = 150,000 uncached + 100,000 read + 50,000 written
    // (20,000 for an hour); 10,000 output.
    let u = Usage {
        input_tokens: 300_000,
        output_tokens: 10_000,
        cached_input_tokens: 100_000,
        cache_write_tokens: 50_000,
        cache_write_1h_tokens: Some(20_000),
        ..Usage::default()
    };
    let expected = 150_000 * 10_000_000
        + 100_000 * 1_000_000
        + 30_000 * 12_500_000
        + 20_000 * 10_000_000
        + 10_000 * 37_500_000;
    assert_eq!(
        total(&c, "claude-opus-4-9-fixture", &u, "2026-12-07", None),
        expected
    );
    // gpt-5.9-fixture: flex $0.625/$5, priority above 272K $5 input (and
    // its own $20 output), batch through the list's batch prices (none: list).
    let u = usage(1_000_000, 1_000_000);
    assert_eq!(
        total(&c, "gpt-5.9-fixture", &u, "2026-12-07", Some("flex")),
        625_000_000_000 + 5_000_000_000_000
    );
    assert_eq!(
        total(&c, "gpt-5.9-fixture", &u, "2026-12-07", Some("priority")),
        5_000_000_000_000 + 20_000_000_000_000
    );
    assert_eq!(
        total(
            &c,
            "gpt-5.9-fixture",
            &usage(100_000, 0),
            "2026-12-07",
            None
        ),
        100_000 * 1_250_000
    );
    // o9-fixture's rounded price, exactly: 1,000,000 x 1,234,568 pico-USD.
    assert_eq!(
        total(&c, "o9-fixture", &usage(1_000_000, 0), "2026-12-07", None),
        1_234_568_000_000
    );
}
