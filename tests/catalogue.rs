//! The bundled catalogue is complete, sourced and consistent with tiktoken's
//! model map; registering models is validated and all-or-nothing.
//!
//! Issue 28: `every_entry_is_complete_and_sourced` checked at least 40 models
//! and 5 providers; it now checks data/models.json's own models, the README's
//! count, and the six providers by name.

use serde_json::json;
use tokenmeter::catalogue::{self, TokenizerSpec};
use tokenmeter::encodings::openai_encoding_for_model;
use tokenmeter::tokens::tokenizer_info;

#[test]
fn every_entry_is_complete_and_sourced() {
    let providers = catalogue::list_providers();
    // README: "63 models from OpenAI, Anthropic, Google, Together (Llama,
    // gpt-oss), Mistral and DeepSeek".
    let mut ids: Vec<&str> = providers.iter().map(|p| p.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "anthropic",
            "deepseek",
            "google",
            "mistral",
            "openai",
            "together"
        ]
    );
    for p in &providers {
        assert!(
            p.source.starts_with("https://"),
            "{}: source {}",
            p.id,
            p.source
        );
        let d: Vec<&str> = p.as_of.split('-').collect();
        assert!(
            d.len() == 3 && d[0].len() == 4 && d[1].len() == 2 && d[2].len() == 2,
            "{}: asOf {}",
            p.id,
            p.as_of
        );
    }
    let models = catalogue::list_models();
    // Every model of data/models.json (each object with an id and prices),
    // and as many as the README says.
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../data/models.json")).unwrap();
    fn model_ids(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Array(items) => items.iter().for_each(|i| model_ids(i, out)),
            serde_json::Value::Object(o) => match (o.get("id"), o.get("prices")) {
                (Some(serde_json::Value::String(id)), Some(serde_json::Value::Object(_))) => {
                    out.push(id.clone())
                }
                _ => o.values().for_each(|i| model_ids(i, out)),
            },
            _ => {}
        }
    }
    let mut in_file = Vec::new();
    model_ids(&file, &mut in_file);
    let mut listed: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
    listed.sort();
    in_file.sort();
    assert_eq!(listed, in_file);
    let readme = include_str!("../README.md");
    let claimed = readme
        .split("The catalogue is `data/models.json`: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok());
    assert_eq!(Some(models.len()), claimed, "the README's count of models");
    for m in &models {
        assert!(
            providers.iter().any(|p| p.id == m.provider),
            "{}: provider {}",
            m.id,
            m.provider
        );
        assert!(
            m.context_window >= m.max_output_tokens && m.max_output_tokens > 0,
            "{}",
            m.id
        );
        if m.kind != "embedding" {
            assert!(m.prices.output.0 > 0, "{} has no output price", m.id);
        }
        assert!(m.prices.input.0 > 0, "{} has no input price", m.id);
        if let Some(c) = m.prices.cached_input {
            assert!(
                c <= m.prices.input,
                "{}: cache reads dearer than input",
                m.id
            );
        }
        if let Some(b) = m.prices.batch_input {
            assert!(b <= m.prices.input, "{}: batch dearer than list", m.id);
        }
        if let TokenizerSpec::Estimate { method, .. } = &m.tokenizer {
            assert!(
                method.len() > 20,
                "{}: an estimate must say how it is made",
                m.id
            );
        }
        for name in std::iter::once(&m.id).chain(&m.aliases).chain(&m.snapshots) {
            assert_eq!(catalogue::get_model(name).unwrap().id, m.id);
        }
    }
    for required in [
        "gpt-5",
        "gpt-5-mini",
        "gpt-5-nano",
        "gpt-4.1",
        "gpt-4.1-mini",
        "gpt-4.1-nano",
        "gpt-4o",
        "gpt-4o-mini",
        "o3",
        "o4-mini",
        "gpt-3.5-turbo",
        "text-embedding-3-small",
        "text-embedding-3-large",
        "gemini-2.5-pro",
        "gemini-2.5-flash",
        "gemini-2.5-flash-lite",
        "gemini-2.0-flash",
        "gemini-1.5-pro",
    ] {
        assert!(
            catalogue::get_model(required).is_some(),
            "{required} is missing"
        );
    }
    for family in ["claude", "llama", "mistral", "deepseek"] {
        assert!(
            models.iter().any(|m| m.id.contains(family)),
            "no {family} model"
        );
    }
}

#[test]
fn openai_models_use_tiktokens_encoding_and_others_are_estimates() {
    for m in catalogue::list_models() {
        match (&m.tokenizer, openai_encoding_for_model(&m.id)) {
            (TokenizerSpec::Exact(e), Some(t)) => assert_eq!(*e, t, "{}", m.id),
            (TokenizerSpec::Exact(_), None) => {}
            (TokenizerSpec::Estimate { .. }, Some(_)) => {
                panic!("{} is an OpenAI model but estimated", m.id)
            }
            (TokenizerSpec::Estimate { .. }, None) => {
                assert!(!tokenizer_info(&m.id).unwrap().exact)
            }
        }
    }
}

#[test]
fn register_models_validates_and_is_all_or_nothing() {
    let before = catalogue::list_models().len();
    let ok = json!([{ "id": "my-finetune", "provider": "acme", "contextWindow": 32000, "maxOutputTokens": 4000,
                      "prices": { "input": 1.5, "output": 6 }, "tokenizer": { "encoding": "o200k_base" } }]);
    let bad = json!([
        { "id": "good-one", "contextWindow": 1000, "maxOutputTokens": 100, "prices": { "input": 1, "output": 2 } },
        { "id": "bad-one", "contextWindow": 1000, "maxOutputTokens": 100, "prices": { "input": -1, "output": 2 } }
    ]);
    let e = catalogue::register_models(&bad).unwrap_err();
    assert_eq!(e.code().as_str(), "INVALID_CATALOGUE");
    assert!(e.message().contains("specs[1].prices.input"), "{e}");
    assert_eq!(catalogue::list_models().len(), before);
    assert!(catalogue::get_model("good-one").is_none());
    for missing in [
        json!([{ "id": "x", "contextWindow": 1000, "maxOutputTokens": 10, "prices": { "input": 1 } }]),
        json!([{ "id": "x", "contextWindow": 1000, "maxOutputTokens": 10 }]),
        json!({ "id": "x" }),
        json!([{ "id": "x", "contextWindow": 1000, "maxOutputTokens": 10, "prices": { "input": 1, "output": 1 }, "__proto__": {} }]),
    ] {
        assert!(catalogue::register_models(&missing).is_err(), "{missing}");
    }
    assert_eq!(
        catalogue::register_models(&ok).unwrap(),
        vec!["my-finetune"]
    );
    assert_eq!(
        catalogue::get_model("my-finetune").unwrap().prices.output.0,
        6_000_000
    );
    // Replacing an entry keeps one model under the id.
    let cheaper = json!([{ "id": "my-finetune", "contextWindow": 32000, "maxOutputTokens": 4000, "prices": { "input": 1, "output": 4 } }]);
    catalogue::register_models(&cheaper).unwrap();
    assert_eq!(catalogue::list_models().len(), before + 1);
    catalogue::reset_models();
    assert_eq!(catalogue::list_models().len(), before);
}
