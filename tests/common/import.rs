//! Shared by the import tests: the fixtures of tests/fixtures/import/ (each
//! written for tokenmeter in its map's published shape), an import into a
//! copy of the bundled catalogue, the report's skipped entries, and prices
//! at a given time.

use std::collections::BTreeMap;

use serde_json::Value;
use tokenmeter::catalogue::import::{Format, ImportOptions, ImportReport, Prefer};
use tokenmeter::cost::{self, PriceQuery, Usage};
use tokenmeter::time::Instant;
use tokenmeter::Catalogue;

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/import/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn format_of(name: &str) -> Format {
    match name {
        "litellm" => Format::LiteLlm,
        "openrouter" => Format::OpenRouter,
        "genai-prices" => Format::GenaiPrices,
        _ => Format::ModelsDev,
    }
}

#[track_caller]
pub fn import(name: &str, prefer: Prefer) -> (Catalogue, ImportReport) {
    let mut c = Catalogue::bundled().clone();
    let options = ImportOptions {
        format: format_of(name),
        prefer,
    };
    let report = c.import(&fixture(name), &options).unwrap();
    (c, report)
}

pub fn sorted(ids: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = ids.iter().map(String::as_str).collect();
    v.sort_unstable();
    v
}

pub fn skipped(r: &ImportReport) -> BTreeMap<&str, &str> {
    r.skipped
        .iter()
        .map(|s| (s.id.as_str(), s.reason.as_str()))
        .collect()
}

/// Each `(entry, words)`: the entry is skipped with a reason containing the
/// words; and nothing else is skipped.
#[track_caller]
pub fn assert_skipped(r: &ImportReport, expected: &[(&str, &str)]) {
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

pub fn at(s: &str) -> Instant {
    Instant::parse(s, "at").unwrap()
}

pub fn usage(input: u64, output: u64) -> Usage {
    Usage {
        input_tokens: input,
        output_tokens: output,
        ..Usage::default()
    }
}

#[track_caller]
pub fn total(c: &Catalogue, model: &str, u: &Usage, when: &str, tier: Option<&str>) -> u128 {
    let q = PriceQuery {
        at: at(when),
        service_tier: tier,
    };
    cost::estimate_cost(c, model, u, &q, None)
        .unwrap_or_else(|e| panic!("{model}: {e}"))
        .total
}
