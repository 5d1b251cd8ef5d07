//! What every import does, whatever the map: the catalogue's figures win by
//! default and the map's when asked, a replaced model keeps what the map
//! does not give, dated ids, inferred tokenizers marked as estimates,
//! validation of every imported model, input that is not the format, and
//! estimate profiles.

mod common;

use common::import::{fixture, import, sorted};
use serde_json::{json, Value};
use tokenmeter::catalogue::import::{Format, ImportOptions, ImportReport, Prefer};
use tokenmeter::catalogue::{Price, RawModel, TokenizerSpec};
use tokenmeter::{Catalogue, Encoding};

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
