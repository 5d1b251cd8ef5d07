//! The open-weight chat templates of data/chat-rules.json, against the
//! prompts each family's reference rendered (tests/golden/open_chat.json:
//! llama_models' ChatFormat, the HF chat templates through transformers,
//! mistral-common), and their marker counts against the families' own
//! tokenizers.

use serde_json::Value;
use tokenmeter::chat::{self, template, Message};
use tokenmeter::{AllowedSpecial, Catalogue, Encoding, Tokenizer};

fn tokenizer(encoding: &str) -> Tokenizer {
    Tokenizer::new(Encoding::from_name(encoding).unwrap()).unwrap()
}

/// Control tokens that text never becomes (Tekken's `[INST]`, `<s>`): the
/// specials (open-weights.json) of an encoding whose entry in encodings.json
/// says `specialInText: false`.
fn controls(encoding: &str) -> Vec<String> {
    let entries: Value =
        serde_json::from_str(include_str!("../data/encodings/encodings.json")).unwrap();
    let in_text = entries["encodings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == encoding)
        .is_none_or(|e| e["specialInText"] != Value::Bool(false));
    if in_text {
        return Vec::new();
    }
    let data: Value =
        serde_json::from_str(include_str!("../data/encodings/open-weights.json")).unwrap();
    let family = &data["encodings"][encoding];
    let mut names: Vec<String> = family["special"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names
}

/// Tokens of a marker text: the parts around `{content}` encoded apart (the
/// content sits between them), `{role}` left out (counted by the caller),
/// each control token 1.
fn marker_tokens(tokenizer: &Tokenizer, text: &str, controls: &[String]) -> usize {
    let mut text = text.replace("{role}", "");
    let mut n = 0;
    for c in controls {
        n += text.matches(c.as_str()).count();
        text = text.replace(c.as_str(), "{content}");
    }
    n + text
        .split("{content}")
        .map(|part| tokenizer.encode(part, &AllowedSpecial::All).unwrap().len())
        .sum::<usize>()
}

#[test]
fn every_marker_count_is_what_the_family_tokenizer_gives() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for t in template::templates() {
        let Some(encoding) = &t.encoding else {
            continue;
        };
        let tok = tokenizer(encoding);
        let controls = controls(encoding);
        for m in t.markers() {
            let n = marker_tokens(&tok, m.text, &controls);
            if n != m.tokens {
                wrong.push(format!("{}: {:?} is {n}, not {}", t.name, m.text, m.tokens));
            }
            checked += 1;
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(checked > 40, "{checked} markers");
}

/// A model id of the catalogue's kind that picks each reference's template.
fn model_for(case: &Value) -> &'static str {
    let reference = case["reference"].as_str().unwrap();
    match case["encoding"].as_str().unwrap() {
        "llama3" if reference.contains("3.1") => "@cf/meta/llama-3.1-8b-instruct",
        "llama3" => "@cf/meta/llama-3-8b-instruct",
        "llama4" => "@cf/meta/llama-4-scout-17b-16e-instruct",
        "qwen2" => "qwen/qwen3-235b-a22b-instruct-2507-tput",
        "deepseek_v3" => "deepseek-ai/deepseek-v3",
        "gemma3" => "@cf/google/gemma-3-12b-it",
        "tekken" => "open-mistral-nemo",
        other => panic!("no model for {other}"),
    }
}

#[test]
fn whole_prompts_match_the_references() {
    let golden: Value =
        serde_json::from_str(include_str!("golden/open_chat.json")).expect("open_chat.json");
    let mut checked = 0;
    for case in golden["cases"].as_array().unwrap() {
        // Every host adds the reply's header; counts always include it.
        if case["add_generation_prompt"] == Value::Bool(false) {
            continue;
        }
        let model = model_for(case);
        let messages: Vec<Message> = case["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| Message::new(m["role"].as_str().unwrap(), m["content"].as_str().unwrap()))
            .collect();
        let tok = tokenizer(case["encoding"].as_str().unwrap());
        let total = chat::count_chat_tokens(&tok, model, &messages, &[]).unwrap();
        assert_eq!(
            total as u64,
            case["total"].as_u64().unwrap(),
            "{model} {}: {}",
            case["shape"],
            case["reference"]
        );
        // Trimming sums shares: never below the count.
        let shares: i64 = messages
            .iter()
            .map(|m| chat::message_tokens(&tok, model, m))
            .sum();
        assert!(shares + chat::fixed_tokens(&tok, model, &[]) as i64 >= total as i64);
        checked += 1;
    }
    assert!(checked >= 30, "{checked} cases");
}

/// Qwen3's template gives only the assistant turns after the last user
/// message an empty think block (4 tokens).
#[test]
fn qwen3_think_blocks_follow_the_last_user_message() {
    let tok = tokenizer("qwen2");
    let model = "qwen/qwen3-235b-a22b-instruct-2507-tput";
    let turns = |roles: &[&str]| -> usize {
        let messages: Vec<Message> = roles.iter().map(|r| Message::new(r, "ok")).collect();
        chat::count_chat_tokens(&tok, model, &messages, &[]).unwrap()
    };
    let ok = tok.count("ok", &AllowedSpecial::None);
    // user, assistant (earlier turn: no block), user
    assert_eq!(turns(&["user", "assistant", "user"]), 3 + 3 * (5 + ok));
    // user, assistant after the last user: the block
    assert_eq!(turns(&["user", "assistant"]), 3 + 2 * (5 + ok) + 4);
}

/// A model the catalogue counts with an open family's template keeps the
/// template's markers in a build that only estimates its contents.
#[test]
fn catalogue_models_pick_their_family_template() {
    for (model, name) in [
        ("@cf/meta/llama-3.3-70b-instruct-fp8-fast", "llama3.1"),
        ("meta-llama/meta-llama-3-8b-instruct-lite", "llama3"),
        ("meta-llama/llama-4-scout-17b-16e-instruct", "llama4"),
        ("qwen/qwq-32b", "qwen3"),
        ("qwen/qwen2.5-7b-instruct-turbo", "qwen2.5"),
        ("deepseek-v4-pro", "deepseek"),
        ("@cf/google/gemma-3-12b-it", "gemma3"),
        ("gemini-2.5-flash", "gemini"),
        ("open-mistral-nemo", "mistral-v3-tekken"),
    ] {
        assert!(Catalogue::bundled().model(model).is_ok(), "{model}");
        assert_eq!(
            template::for_model(model).map(|t| t.name),
            Some(name),
            "{model}"
        );
    }
    assert!(template::for_model("gpt-4o").is_none());
    assert!(template::for_model("claude-sonnet-4-5").is_none());
}
