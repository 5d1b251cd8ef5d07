//! Imports from the community price maps (LiteLLM, OpenRouter, genai-prices,
//! models.dev), against small fixtures written for tokenmeter in each map's
//! published shape (tests/fixtures/import/): the report entry by entry,
//! the id each format maps to, exact units, precedence both ways, and that
//! an imported model prices as its figures say.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tokenmeter::catalogue::import::{Format, ImportOptions, ImportReport, Prefer};
use tokenmeter::catalogue::{Lifetime, Price, RawModel, TokenizerSpec, WindowScope};
use tokenmeter::cost::{self, PriceQuery, Usage};
use tokenmeter::time::Instant;
use tokenmeter::{Catalogue, Encoding};

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/import/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn format_of(name: &str) -> Format {
    match name {
        "litellm" => Format::LiteLlm,
        "openrouter" => Format::OpenRouter,
        "genai-prices" => Format::GenaiPrices,
        _ => Format::ModelsDev,
    }
}

#[track_caller]
fn import(name: &str, prefer: Prefer) -> (Catalogue, ImportReport) {
    let mut c = Catalogue::bundled().clone();
    let options = ImportOptions {
        format: format_of(name),
        prefer,
    };
    let report = c.import(&fixture(name), &options).unwrap();
    (c, report)
}

fn sorted(ids: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = ids.iter().map(String::as_str).collect();
    v.sort_unstable();
    v
}

fn skipped(r: &ImportReport) -> BTreeMap<&str, &str> {
    r.skipped
        .iter()
        .map(|s| (s.id.as_str(), s.reason.as_str()))
        .collect()
}

/// Each `(entry, words)`: the entry is skipped with a reason containing the
/// words; and nothing else is skipped.
#[track_caller]
fn assert_skipped(r: &ImportReport, expected: &[(&str, &str)]) {
    let got = skipped(r);
    for (id, words) in expected {
        let reason = got
            .get(id)
            .unwrap_or_else(|| panic!("{id} not skipped: {got:#?}"));
        assert!(reason.contains(words), "{id}: {reason:?} lacks {words:?}");
    }
    let ids: Vec<&str> = expected.iter().map(|(id, _)| *id).collect();
    let extra: Vec<_> = got.keys().filter(|k| !ids.contains(k)).collect();
    assert!(extra.is_empty(), "also skipped: {extra:?}");
    assert_eq!(r.skipped.len(), expected.len(), "an entry skipped twice");
}

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

#[track_caller]
fn total(c: &Catalogue, model: &str, u: &Usage, when: &str, tier: Option<&str>) -> u128 {
    let q = PriceQuery {
        at: at(when),
        service_tier: tier,
    };
    cost::estimate_cost(c, model, u, &q, None)
        .unwrap_or_else(|e| panic!("{model}: {e}"))
        .total
}

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
fn openrouter_report_ids_and_units() {
    let (c, r) = import("openrouter", Prefer::Bundled);
    assert_eq!(
        sorted(&r.added),
        vec![
            "claude-fixture-5-9",
            "deepseek-fixture-v9",
            "gemini-fixture-pro",
            "meta-llama/llama-3.3-fixture-70b-instruct",
            "meta-llama/llama-3.3-fixture-70b-instruct:free",
            "o9-fixture",
        ]
    );
    assert_skipped(
        &r,
        &[
            ("openai/gpt-4o", "the catalogue has gpt-4o"),
            ("openai/gpt-4o-2024-08-06", "a name of gpt-4o"),
            (
                "anthropic/claude-sonnet-4.5",
                "the catalogue has claude-sonnet-4-5",
            ),
            (
                "openrouter/auto",
                "prompt is -1: OpenRouter's mark of a price that varies",
            ),
            ("openai/gpt-image-fixture", "outputs image, not text"),
            (
                "x-ai/grok-fixture",
                "prices.input (from pricing.prompt): is required",
            ),
            (
                "mistralai/mistral-fixture",
                "pricing.prompt: \"free\" is not a number",
            ),
            ("qwen/qwen-fixture", "must be a non-negative number"),
            ("data[14]", "not a model entry: no id"),
        ],
    );
    // Anthropic's dots become its API's dashes; other authors keep the id.
    let claude = c.model("claude-fixture-5-9").unwrap();
    assert_eq!(claude.provider, "anthropic");
    assert_eq!(
        claude.prices.prices.cache_writes,
        vec![
            (Lifetime::FIVE_MINUTES, Price(3_750_000)),
            (Lifetime::ONE_HOUR, Price(6_000_000))
        ]
    );
    let llama = c
        .model("meta-llama/llama-3.3-fixture-70b-instruct")
        .unwrap();
    assert_eq!(llama.provider, "openrouter");
    // "0.0000001234567891" USD per token: 123456.7891 pico-dollars, up.
    assert_eq!(llama.prices.prices.input, Price(123_457));
    assert_eq!(llama.prices.prices.output, Price(390_000));
    let free = &c
        .model("meta-llama/llama-3.3-fixture-70b-instruct:free")
        .unwrap()
        .prices
        .prices;
    assert_eq!((free.input, free.output), (Price(0), Price(0)));
    // An override from 200,001 prompt tokens is a tier above 200,000.
    let gemini = c.model("gemini-fixture-pro").unwrap();
    assert_eq!(gemini.prices.tiers[0].above_input_tokens, 200_000);
    assert_eq!(
        gemini.prices.tiers[0].prices.cached_input,
        Some(Price(250_000))
    );
    assert!(gemini
        .uncertain
        .as_deref()
        .unwrap()
        .contains("overrides (other than on min_prompt_tokens)"));
    let o9 = c.model("o9-fixture").unwrap();
    assert_eq!(o9.kind.as_str(), "reasoning");
    assert!(o9.uncertain.as_deref().unwrap().contains("discount of 0.1"));
}

#[test]
fn genai_prices_report() {
    let (_, r) = import("genai-prices", Prefer::Bundled);
    assert_eq!(
        sorted(&r.added),
        vec![
            "claude-fixture-opus-4-9",
            "deepseek-fixture-chat",
            "gpt-5.9-fixture",
            "gpt-fixture-precise",
            "o9-fixture",
            "text-embedding-fixture",
        ]
    );
    assert_skipped(
        &r,
        &[
            ("openai/gpt-4o", "the catalogue has gpt-4o"),
            ("openai/o3", "the catalogue has o3"),
            (
                "openai/gpt-fixture-no-window",
                "contextWindow (from context_window): is required",
            ),
            (
                "openai/gpt-fixture-negative",
                "prices.input (from input_mtok): must be a non-negative",
            ),
            (
                "openai/gpt-fixture-no-output-price",
                "prices.output (from output_mtok): is required",
            ),
            (
                "openai/gpt-fixture-bad-constraint",
                "neither a start_date nor a start_time",
            ),
            (
                "azure/gpt-5.9-fixture",
                "as openai/gpt-5.9-fixture does, whose entry is taken",
            ),
            ("broken-provider", "not a provider with models: no models"),
        ],
    );
}

#[test]
fn genai_prices_tiers_dates_and_windows() {
    let (c, _) = import("genai-prices", Prefer::Bundled);
    // Per-field tiers become whole-request tiers; `equals` ids snapshots.
    let gpt = c.model("gpt-5.9-fixture-2026-11-20").unwrap();
    assert_eq!(gpt.id, "gpt-5.9-fixture");
    let view: Vec<_> = gpt
        .prices
        .tiers
        .iter()
        .map(|t| {
            (
                t.above_input_tokens,
                t.prices.input.0,
                t.prices.output.0,
                t.prices.cached_input,
            )
        })
        .collect();
    assert_eq!(
        view,
        vec![
            (272_000, 2_500_000, 15_000_000, Some(Price(250_000))),
            (1_000_000, 2_500_000, 20_000_000, Some(Price(250_000))),
        ]
    );
    assert!(gpt
        .uncertain
        .as_deref()
        .unwrap()
        .contains("requests_kcount"));
    let precise = &c.model("gpt-fixture-precise").unwrap().prices.prices;
    assert_eq!(
        (precise.input, precise.output),
        (Price(123_457), Price(987_654))
    );
    // Dated conditional prices: the earlier list until the change.
    let o9 = c.model("o9-fixture").unwrap();
    assert_eq!(o9.price_history.len(), 1);
    assert_eq!(o9.price_history[0].until.unwrap().to_string(), "2026-06-10");
    assert_eq!(o9.prices.from.unwrap().to_string(), "2026-06-10");
    assert_eq!(c.model("o9-fixture-2026-04-16").unwrap().id, "o9-fixture");
    let ds = c.model("deepseek-fixture-chat").unwrap();
    let w = &ds.prices.time_windows[0];
    assert_eq!((w.start, w.end, w.prices.input), (990, 30, Price(135_000)));
    let embed = c.model("text-embedding-fixture").unwrap();
    assert_eq!(
        (embed.kind.as_str(), embed.prices.prices.output),
        ("embedding", Price(0))
    );
    let claude = c.model("claude-fixture-opus-4-9").unwrap();
    assert_eq!(
        claude.prices.prices.cache_writes,
        vec![(Lifetime::FIVE_MINUTES, Price(6_250_000))]
    );
    assert!(claude
        .uncertain
        .as_deref()
        .unwrap()
        .contains("deprecated, with no date"));
}

#[test]
fn models_dev_report() {
    let (_, r) = import("models.dev", Prefer::Bundled);
    assert_eq!(
        sorted(&r.added),
        vec![
            "claude-fixture-sonnet-5-1",
            "fixture-window-small",
            "gemini-fixture-flash",
            "gpt-5.9-fixture",
            "llama-3.3-fixture-70b",
            "meta-llama/llama-4-fixture-scout",
            "text-embedding-fixture-small",
        ]
    );
    assert_skipped(
        &r,
        &[
            ("openai/gpt-5", "the catalogue has gpt-5"),
            ("openai/gpt-image-fixture", "outputs image, not text"),
            ("azure/gpt-5.9-fixture", "as openai/gpt-5.9-fixture does"),
            (
                "groq/fixture-no-cost",
                "no cost: a missing price is never taken as $0",
            ),
            (
                "groq/fixture-null-price",
                "prices.input (from cost.input): is required",
            ),
            (
                "groq/fixture-text-price",
                "cost.output: \"a lot\" is not a number",
            ),
            ("broken-provider", "not a provider with models: no models"),
        ],
    );
}

#[test]
fn models_dev_limits_tiers_and_dates() {
    let (c, _) = import("models.dev", Prefer::Bundled);
    let gpt = c.model("gpt-5.9-fixture").unwrap();
    assert_eq!(
        (
            gpt.context_window,
            gpt.max_input_tokens,
            gpt.max_output_tokens
        ),
        (1_050_000, Some(922_000), 128_000)
    );
    assert!(gpt.lifecycle.release.is_none());
    assert!(gpt
        .uncertain
        .as_deref()
        .unwrap()
        .contains("release_date \"2026-11\" is not a whole date"));
    let claude = c.model("claude-fixture-sonnet-5-1").unwrap();
    assert_eq!(claude.lifecycle.release.unwrap().to_string(), "2026-09-29");
    let tier = &claude.prices.tiers[0];
    assert_eq!(
        (
            tier.above_input_tokens,
            tier.prices.input,
            tier.prices.output
        ),
        (200_000, Price(6_000_000), Price(22_500_000))
    );
    assert_eq!(
        tier.prices.cache_writes,
        vec![(Lifetime::FIVE_MINUTES, Price(7_500_000))]
    );
    assert!(claude
        .uncertain
        .as_deref()
        .unwrap()
        .contains("marks it deprecated"));
    let llama = c.model("meta-llama/Llama-4-Fixture-Scout").unwrap();
    assert_eq!(llama.provider, "together");
    assert_eq!(c.model("llama-3.3-fixture-70b").unwrap().provider, "groq");
    // models.dev's 0 for an unknown limit is not a max output of 0.
    let groq = c.model("llama-3.3-fixture-70b").unwrap();
    assert_eq!(groq.max_output_tokens, groq.context_window);
    assert!(c
        .model("gemini-fixture-flash")
        .unwrap()
        .uncertain
        .as_deref()
        .unwrap()
        .contains("input_audio"));
    let embed = c.model("text-embedding-fixture-small").unwrap();
    assert_eq!(embed.max_output_tokens, 1);
}

#[test]
fn the_catalogues_figures_win_by_default_and_the_maps_when_asked() {
    let bundled = Catalogue::bundled();
    for file in ["litellm", "openrouter", "genai-prices", "models.dev"] {
        let (c, r) = import(file, Prefer::Bundled);
        assert!(r.updated.is_empty(), "{file}");
        for m in bundled.models() {
            assert_eq!(c.model(&m.id).unwrap(), m, "{file} changed {}", m.id);
        }
        let (c, r) = import(file, Prefer::Imported);
        assert!(!r.updated.is_empty(), "{file}");
        assert!(
            r.skipped
                .iter()
                .all(|s| !s.reason.contains("the catalogue has")),
            "{file}"
        );
        for id in &r.updated {
            assert!(c
                .model(id)
                .unwrap()
                .uncertain
                .as_deref()
                .unwrap()
                .starts_with("Imported from"));
        }
    }
}

#[test]
fn a_replaced_model_keeps_what_the_map_does_not_give() {
    let bundled = Catalogue::bundled();
    // LiteLLM's gpt-4o, preferred: its prices; the catalogue's limits,
    // lifecycle and other names stay, as the map does not give them.
    let (c, r) = import("litellm", Prefer::Imported);
    assert_eq!(sorted(&r.updated), vec!["gpt-4o", "gpt-4o-2024-08-06"]);
    let old = bundled.model("gpt-4o").unwrap();
    let new = c.model("gpt-4o").unwrap();
    assert_eq!(new.prices.prices.input, Price(2_500_000));
    assert!(
        new.prices.service_tiers.is_empty(),
        "the map's figures replace the list"
    );
    assert_eq!(
        (new.context_window, new.max_output_tokens),
        (old.context_window, old.max_output_tokens)
    );
    assert_eq!(new.lifecycle, old.lifecycle);
    assert_eq!(new.tokenizer, old.tokenizer);
    assert_eq!(new.snapshots, vec!["gpt-4o-2024-11-20"]);
    // The dated id the catalogue had as a snapshot of gpt-4o is now the
    // map's own entry, at its own prices.
    let dated = c.model("gpt-4o-2024-08-06").unwrap();
    assert_eq!(dated.id, "gpt-4o-2024-08-06");
    assert_eq!(dated.prices.prices.input, Price(3_000_000));
    assert_eq!(c.model("gpt-4o-2024-11-20").unwrap().id, "gpt-4o");
    // genai-prices has no max output: replacing gpt-4o keeps the
    // catalogue's, and says so.
    let (c, _) = import("genai-prices", Prefer::Imported);
    let new = c.model("gpt-4o").unwrap();
    assert_eq!(
        (new.context_window, new.max_output_tokens),
        (128_000, 16_384)
    );
    assert_eq!(new.lifecycle, old.lifecycle);
    assert!(new
        .uncertain
        .as_deref()
        .unwrap()
        .contains("max output from the catalogue's own gpt-4o"));
    // Nor, for o3, a window: the catalogue's, with its scope and input cap.
    let (old, new) = (
        Catalogue::bundled().model("o3").unwrap(),
        c.model("o3").unwrap(),
    );
    assert_eq!(new.prices.prices.input, Price(2_000_000));
    assert_eq!(
        (
            new.context_window,
            new.window_scope,
            new.max_input_tokens,
            new.max_output_tokens
        ),
        (
            old.context_window,
            old.window_scope,
            old.max_input_tokens,
            old.max_output_tokens
        )
    );
    assert!(new
        .uncertain
        .as_deref()
        .unwrap()
        .contains("window and max output from the catalogue's own o3"));
}

/// How a tokenizer counts, without the words that say why.
fn count_rule(t: &TokenizerSpec) -> (Encoding, u32, Option<String>) {
    match t {
        TokenizerSpec::Exact(e) => (*e, 1000, None),
        TokenizerSpec::Estimate {
            encoding,
            factor_per_mille,
            profile,
            ..
        } => (*encoding, *factor_per_mille, profile.clone()),
    }
}

#[test]
fn dated_ids_are_models_of_their_own_unless_the_map_says_otherwise() {
    let (c, _) = import("litellm", Prefer::Bundled);
    // A dated id the catalogue does not know is a new model, not a snapshot
    // of another (its prices are its own), counted as its base is.
    let dated = c.model("claude-sonnet-4-5-20260101").unwrap();
    let base = Catalogue::bundled().model("claude-sonnet-4-5").unwrap();
    assert_eq!(dated.id, "claude-sonnet-4-5-20260101");
    assert_eq!(c.model("claude-sonnet-4-5").unwrap(), base);
    assert_eq!(count_rule(&dated.tokenizer), count_rule(&base.tokenizer));
    assert!(c
        .model("gpt-4.1-fixture-2026-03-01")
        .unwrap()
        .snapshots
        .is_empty());
    // genai-prices names a model's snapshots in its match: those are.
    let (c, _) = import("genai-prices", Prefer::Bundled);
    assert_eq!(
        c.model("gpt-5.9-fixture").unwrap().snapshots,
        vec!["gpt-5.9-fixture-2026-11-20"]
    );
}

#[test]
fn tokenizers_are_inferred_and_marked_as_estimates() {
    let (c, _) = import("litellm", Prefer::Bundled);
    let profile = |id: &str| match &c.model(id).unwrap().tokenizer {
        TokenizerSpec::Exact(e) => format!("exact {}", e.name()),
        TokenizerSpec::Estimate {
            profile,
            factor_per_mille,
            method,
            ..
        } => {
            assert!(method.starts_with("inferred on import"), "{id}: {method}");
            format!("{} {factor_per_mille}", profile.as_deref().unwrap_or("-"))
        }
    };
    assert_eq!(profile("gpt-5.9-fixture"), "exact o200k_base");
    assert_eq!(profile("gpt-4.1-fixture-2026-03-01"), "exact o200k_base");
    // Outside tiktoken's map, but a dated id of the catalogue's gpt-6-sol,
    // which counts exactly with o200k_base.
    assert_eq!(profile("gpt-6-sol-2026-12-01"), "exact o200k_base");
    assert_eq!(profile("azure/gpt-4o"), "exact o200k_base");
    assert_eq!(profile("o9-fixture"), "- 1000");
    assert_eq!(profile("claude-opus-4-9-fixture"), "claude-2026 1560");
    assert_eq!(profile("claude-sonnet-4-5-20260101"), "claude-2025 1200");
    assert_eq!(profile("gemini-9-fixture-pro"), "gemini 1100");
    assert_eq!(
        profile("meta-llama/llama-4-fixture-70b-instruct"),
        "llama4 1000"
    );
    assert_eq!(profile("deepseek-fixture"), "deepseek 1200");
    assert_eq!(profile("fixture-free"), "- 1000");
    let info = c.tokenizer_info("claude-opus-4-9-fixture").unwrap();
    assert!(!info.exact);
    assert_eq!(
        c.tokenizer_info("gpt-5.9-fixture").unwrap().encoding,
        Encoding::O200kBase
    );
    let (c, _) = import("openrouter", Prefer::Bundled);
    match &c
        .model("meta-llama/llama-3.3-fixture-70b-instruct")
        .unwrap()
        .tokenizer
    {
        TokenizerSpec::Estimate { profile, .. } => assert_eq!(profile.as_deref(), Some("llama3")),
        other => panic!("{other:?}"),
    }
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

#[test]
fn genai_prices_models_price_by_date_and_time_of_day() {
    let (c, _) = import("genai-prices", Prefer::Bundled);
    // o9-fixture: $10/$40 until 2026-06-10, $2/$8 from then.
    let u = usage(1_000, 1_000);
    assert_eq!(
        total(&c, "o9-fixture", &u, "2026-06-09", None),
        1_000 * 10_000_000 + 1_000 * 40_000_000
    );
    assert_eq!(
        total(&c, "o9-fixture", &u, "2026-06-10", None),
        1_000 * 2_000_000 + 1_000 * 8_000_000
    );
    // deepseek-fixture-chat: half price from 16:30 to 00:30 UTC.
    assert_eq!(
        total(
            &c,
            "deepseek-fixture-chat",
            &u,
            "2026-12-07T17:00:00Z",
            None
        ),
        1_000 * 135_000 + 1_000 * 550_000
    );
    assert_eq!(
        total(
            &c,
            "deepseek-fixture-chat",
            &u,
            "2026-12-07T12:00:00Z",
            None
        ),
        1_000 * 270_000 + 1_000 * 1_100_000
    );
    // gpt-5.9-fixture past 1M input: $2.50 input, $20 output.
    assert_eq!(
        total(
            &c,
            "gpt-5.9-fixture",
            &usage(1_000_001, 1_000),
            "2026-12-07",
            None
        ),
        1_000_001 * 2_500_000 + 1_000 * 20_000_000
    );
}

#[test]
fn every_imported_model_validates_again_and_bad_entries_never_arrive() {
    for file in ["litellm", "openrouter", "genai-prices", "models.dev"] {
        for prefer in [Prefer::Bundled, Prefer::Imported] {
            let (c, r) = import(file, prefer);
            for id in r.added.iter().chain(&r.updated) {
                let m = c.model(id).unwrap();
                let raw: RawModel = serde_json::from_value(
                    serde_json::to_value(RawModel::of(m, "active")).unwrap(),
                )
                .unwrap();
                // Registered again over itself, where its names and its
                // replacement are what they are.
                let mut again = c.clone();
                again
                    .register(vec![raw])
                    .unwrap_or_else(|e| panic!("{file} {id}: {e}"));
            }
            // Only the entries the report names changed.
            let changed: Vec<&str> = c
                .models()
                .iter()
                .filter(|m| Catalogue::bundled().get(&m.id).is_none_or(|b| b != *m))
                .map(|m| m.id.as_str())
                .collect();
            for id in changed {
                let named = r.added.iter().chain(&r.updated).any(|n| n == id);
                // A model that only lost a name to an updated one.
                let lost_a_name = r
                    .updated
                    .iter()
                    .any(|u| Catalogue::bundled().model(u).is_ok_and(|b| b.id == id));
                assert!(
                    named || lost_a_name,
                    "{file}: {id} changed without a report"
                );
            }
        }
    }
}

#[test]
fn input_that_is_not_the_format_is_an_error_and_changes_nothing() {
    let cases: Vec<(Format, Value)> = vec![
        (Format::LiteLlm, json!([1, 2])),
        (Format::LiteLlm, json!("text")),
        (Format::LiteLlm, json!({ "a": 1, "b": "x" })),
        (Format::OpenRouter, json!({ "models": [] })),
        (Format::OpenRouter, json!(42)),
        (Format::GenaiPrices, json!({ "providers": [] })),
        (Format::GenaiPrices, json!([1, "x"])),
        (Format::ModelsDev, json!([])),
        (
            Format::ModelsDev,
            json!({ "openai": { "name": "no models" } }),
        ),
        (Format::ModelsDev, json!(null)),
    ];
    for (format, data) in cases {
        let mut c = Catalogue::bundled().clone();
        let e = c
            .import(
                &data,
                &ImportOptions {
                    format,
                    prefer: Prefer::Imported,
                },
            )
            .unwrap_err();
        assert_eq!(e.code().as_str(), "INVALID_CATALOGUE", "{format:?} {data}");
        assert_eq!(e.field_name(), Some("data"), "{e}");
        assert_eq!(c.models(), Catalogue::bundled().models());
    }
    // Empty maps are maps: nothing to do.
    for (format, data) in [
        (Format::LiteLlm, json!({})),
        (Format::OpenRouter, json!({ "data": [] })),
        (Format::GenaiPrices, json!([])),
        (Format::ModelsDev, json!({})),
    ] {
        let mut c = Catalogue::bundled().clone();
        let r = c
            .import(
                &data,
                &ImportOptions {
                    format,
                    prefer: Prefer::Bundled,
                },
            )
            .unwrap();
        assert_eq!(r, ImportReport::default());
    }
    assert!(Format::parse("litelm", "options.format")
        .unwrap_err()
        .message()
        .contains("\"litellm\""));
    assert_eq!(
        Prefer::parse("mine", "options.prefer")
            .unwrap_err()
            .field_name(),
        Some("options.prefer")
    );
}

#[test]
fn a_catalogue_without_estimate_profiles_takes_the_bundled_ones() {
    let mut c = Catalogue::default();
    let r = c
        .import(
            &fixture("litellm"),
            &ImportOptions {
                format: Format::LiteLlm,
                prefer: Prefer::Bundled,
            },
        )
        .unwrap();
    assert!(r.added.contains(&"gpt-4o".to_string()));
    match &c.model("claude-opus-4-9-fixture").unwrap().tokenizer {
        TokenizerSpec::Estimate {
            factor_per_mille,
            profile,
            ..
        } => {
            assert_eq!(
                (*factor_per_mille, profile.as_deref()),
                (1560, Some("claude-2026"))
            )
        }
        other => panic!("{other:?}"),
    }
}
