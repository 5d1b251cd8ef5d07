//! Imports from OpenRouter, genai-prices and models.dev, against small
//! fixtures written for tokenmeter in each map's published shape
//! (tests/fixtures/import/): the report entry by entry, the id each format
//! maps to, exact units, tiers, dates and windows, and prices by date and
//! time of day.

mod common;

use common::import::{assert_skipped, import, sorted, total, usage};
use tokenmeter::catalogue::import::Prefer;
use tokenmeter::catalogue::{Lifetime, Price};

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
