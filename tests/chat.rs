//! Chat counting against the OpenAI cookbook's published figures.
//!
//! Issue 28: `tool_results_must_answer_an_earlier_call` checked `> 20`; it now
//! checks the tool_calls approximation (docs/accuracy.md) by hand (35).
//! `count_chat_within_stops_inside_a_long_message` timed the early stop; it now
//! counts the texts tokenized (work done, not time).

use serde_json::json;
mod common;

use tokenmeter::chat::{
    self, image_tokens, parse_messages, parse_tools, Content, Detail, Message, Part, Tool, ToolCall,
};
use tokenmeter::{Catalogue, Result};

/// The chat count of `model`, with its tokenizer from the bundled catalogue.
fn count_chat_tokens(model: &str, messages: &[Message], tools: &[Tool]) -> Result<usize> {
    let tokenizer = Catalogue::bundled().tokenizer(model)?;
    chat::count_chat_tokens(&tokenizer, model, messages, tools)
}

fn count_chat_within(
    model: &str,
    messages: &[Message],
    tools: &[Tool],
    limit: usize,
) -> Result<Option<usize>> {
    let tokenizer = Catalogue::bundled().tokenizer(model)?;
    chat::count_chat_within(&tokenizer, model, messages, tools, limit)
}

fn cookbook_messages() -> serde_json::Value {
    json!([
        {"role": "system", "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
        {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
        {"role": "system", "name": "example_assistant", "content": "Things working well together will increase revenue."},
        {"role": "system", "name": "example_user", "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
        {"role": "system", "name": "example_assistant", "content": "Let's talk later when we're less busy about how to do better."},
        {"role": "user", "content": "This late pivot means we don't have time to boil the ocean for the client deliverable."}
    ])
}

#[test]
fn cookbook_messages_give_the_published_counts() {
    let messages = parse_messages(&cookbook_messages(), "messages").unwrap();
    for (model, expected) in [
        ("gpt-4", 129),
        ("gpt-3.5-turbo", 129),
        ("gpt-4-0613", 129),
        ("gpt-4o", 124),
        ("gpt-4o-mini", 124),
    ] {
        assert_eq!(
            count_chat_tokens(model, &messages, &[]).unwrap(),
            expected,
            "{model}"
        );
    }
}

#[test]
fn cookbook_tools_give_the_published_counts() {
    let tools = parse_tools(
        &json!([{
            "type": "function",
            "function": {
                "name": "get_current_weather",
                "description": "Get the current weather in a given location",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                        "unit": {"type": "string", "description": "The unit of temperature to return", "enum": ["celsius", "fahrenheit"]}
                    },
                    "required": ["location"]
                }
            }
        }]),
        "tools",
    )
    .unwrap();
    let messages = parse_messages(
        &json!([
            {"role": "system", "content": "You are a helpful assistant that can answer to questions about the weather."},
            {"role": "user", "content": "What's the weather like in San Francisco?"}
        ]),
        "messages",
    )
    .unwrap();
    for (model, expected) in [
        ("gpt-4o", 101),
        ("gpt-4o-mini", 101),
        ("gpt-4", 105),
        ("gpt-3.5-turbo", 105),
    ] {
        assert_eq!(
            count_chat_tokens(model, &messages, &tools).unwrap(),
            expected,
            "{model}"
        );
    }
}

#[test]
fn image_tokens_follow_the_vision_guide() {
    // OpenAI's worked examples: 1024 x 1024 high detail on gpt-4o is 765
    // tokens; 2048 x 4096 is 1105; low detail is 85.
    assert_eq!(
        image_tokens("gpt-4o", Detail::High, Some(1024), Some(1024)),
        765
    );
    assert_eq!(
        image_tokens("gpt-4o", Detail::High, Some(2048), Some(4096)),
        1105
    );
    assert_eq!(
        image_tokens("gpt-4o", Detail::Low, Some(4096), Some(8192)),
        85
    );
    // Patch models: 1024 x 1024 is 1024 patches; 1800 x 2400 shrinks to 1452.
    assert_eq!(
        image_tokens("gpt-4.1-mini", Detail::High, Some(1024), Some(1024)),
        (1024.0f64 * 1.62).ceil() as u64
    );
    assert_eq!(
        image_tokens("gpt-4.1-mini", Detail::High, Some(1800), Some(2400)),
        (1452.0f64 * 1.62).ceil() as u64
    );
    // Unknown size: the most a high-detail image can cost.
    assert_eq!(
        image_tokens("gpt-4o", Detail::Auto, None, None),
        85 + 170 * 8
    );
}

#[test]
fn malformed_messages_name_the_field() {
    let cases = [
        (json!({"role": "user"}), "messages"),
        (json!([{"content": "hi"}]), "messages[0].role"),
        (json!([{"role": 3, "content": "hi"}]), "messages[0].role"),
        (
            json!([{"role": "user", "content": 3}]),
            "messages[0].content",
        ),
        (
            json!([{"role": "user", "content": [{"type": "text"}]}]),
            "messages[0].content[0].text",
        ),
        (
            json!([{"role": "user", "content": [{"type": "audio"}]}]),
            "messages[0].content[0].type",
        ),
        (
            json!([{"role": "tool", "content": "42", "tool_call_id": "x"}]),
            "messages[0].tool_call_id",
        ),
    ];
    for (value, field) in cases {
        let err = parse_messages(&value, "messages").unwrap_err();
        assert_eq!(err.code().as_str(), "INVALID_ARGUMENT");
        assert_eq!(err.field_name(), Some(field), "{value}");
    }
}

#[test]
fn tool_results_must_answer_an_earlier_call() {
    let ok = json!([
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "18C"}
    ]);
    let messages = parse_messages(&ok, "messages").unwrap();
    // The cookbook's rule, by hand, with o200k_base's counts of each value
    // (tiktoken's: "user" 1, "weather?" 2, "assistant" 1, "call_1" 3,
    // "get_weather" 2, {"city":"Paris"} 5, "tool" 1, "18C" 2):
    //   user:      3 + 1 + 2                  =  6
    //   assistant: 3 + 1 + (3 + 2 + 5 + 3)    = 17  (a call: id, name, arguments, plus 3)
    //   tool:      3 + 1 + 3 (its call id) + 2 =  9
    //   priming the reply                     =  3
    assert_eq!(count_chat_tokens("gpt-4o", &messages, &[]).unwrap(), 35);
}

/// A random history: text and part contents, names, images, tool calls and
/// their answers, so that every term of the formula comes up.
fn random_history(rng: &mut common::Rng) -> Vec<Message> {
    let mut messages = Vec::new();
    let mut open_calls = Vec::new();
    for i in 0..rng.below(12) {
        let role = *rng.pick(&["system", "user", "assistant", "tool"]);
        let parts = 1 + rng.below(40);
        let mut m = Message::new(role, &common::random_text(rng, parts));
        match rng.below(6) {
            0 => m.content = Content::None,
            1 => {
                m.content = Content::Parts(vec![
                    Part::Text(common::random_text(rng, 10)),
                    Part::Image {
                        detail: Detail::Auto,
                        width: Some(1 + rng.below(3000) as u32),
                        height: Some(1 + rng.below(3000) as u32),
                    },
                ])
            }
            _ => {}
        }
        if rng.below(4) == 0 {
            m.name = Some(common::random_text(rng, 3));
        }
        if role == "assistant" && rng.below(2) == 0 {
            let id = format!("call_{i}");
            m.tool_calls.push(ToolCall {
                id: id.clone(),
                name: "lookup".into(),
                arguments: format!("{{\"q\":{:?}}}", common::random_text(rng, 5)),
            });
            open_calls.push(id);
        }
        if role == "tool" {
            if open_calls.is_empty() {
                m.role = "user".into();
            } else {
                m.tool_call_id = Some(rng.pick(&open_calls).clone());
            }
        }
        messages.push(m);
    }
    messages
}

#[test]
fn count_chat_within_agrees_with_count_chat_tokens() {
    let mut rng = common::Rng::new(20261129);
    let tools = parse_tools(
        &json!([{ "type": "function", "function": { "name": "lookup", "description": "Finds.",
            "parameters": { "type": "object", "properties": { "q": { "type": "string" } } } } }]),
        "tools",
    )
    .unwrap();
    for round in 0..600 {
        let messages = random_history(&mut rng);
        let model = *rng.pick(&["gpt-4o", "gpt-4", "gpt-3.5-turbo-0301", "claude-sonnet-4"]);
        let tools: &[Tool] = if round % 3 == 0 { &tools } else { &[] };
        let full = count_chat_tokens(model, &messages, tools).unwrap();
        let mut limits = vec![full, full + 1, full.saturating_sub(1), 0, 3, usize::MAX];
        limits.extend((0..4).map(|_| rng.below(full + 2)));
        for limit in limits {
            let within = count_chat_within(model, &messages, tools, limit).unwrap();
            let want = (full <= limit).then_some(full);
            assert_eq!(
                within, want,
                "{model}, limit {limit}, full {full}: {messages:?}"
            );
        }
    }
}

#[test]
fn count_chat_within_stops_inside_a_long_message() {
    // 10 MB in one message over a 1,000-token limit: the count stops after
    // about 1,000 tokens instead of tokenizing all 2 million.
    let big = "some words about the topic ".repeat(400_000);
    let messages = vec![
        Message::new("system", "be brief"),
        Message::new("user", &big),
    ];
    let full = count_chat_tokens("gpt-4o", &messages, &[]).unwrap();
    assert_eq!(
        count_chat_within("gpt-4o", &messages, &[], 1000).unwrap(),
        None
    );
    assert!(full > 2_000_000);
    // Work done, not time: the messages after the one that passes the limit
    // are not tokenized at all. 100 more messages are 200 more texts (role
    // and content) for the whole count, and none for the early one.
    let mut long = messages.clone();
    long.extend((0..100).map(|i| Message::new("user", &format!("message {i}"))));
    let before = tokenmeter::internals::tokenizer_calls();
    count_chat_tokens("gpt-4o", &long, &[]).unwrap();
    let whole_calls = tokenmeter::internals::tokenizer_calls() - before;
    let before = tokenmeter::internals::tokenizer_calls();
    assert_eq!(count_chat_within("gpt-4o", &long, &[], 1000).unwrap(), None);
    let early_calls = tokenmeter::internals::tokenizer_calls() - before;
    assert!(
        whole_calls >= 204,
        "{whole_calls} texts for the whole count"
    );
    assert!(
        early_calls <= 4,
        "{early_calls} texts tokenized to pass the limit"
    );
    assert_eq!(
        count_chat_within("gpt-4o", &messages, &[], full).unwrap(),
        Some(full)
    );
}

/// NaN and infinities are the JavaScript binding's business: to the Rust API
/// every JSON string is a string, whatever it starts with, and a string where
/// a number belongs is "a string".
#[test]
fn a_string_is_a_string_whatever_it_starts_with() {
    let m = parse_messages(
        &json!([{ "role": "user", "content": "\u{0}NaN", "name": "\u{0}Infinity" }]),
        "messages",
    )
    .unwrap();
    assert_eq!(m[0].content, Content::Text("\u{0}NaN".into()));
    assert_eq!(m[0].name.as_deref(), Some("\u{0}Infinity"));
    let spec = json!([{ "id": "m-nul", "contextWindow": 100, "maxOutputTokens": 10,
                        "prices": { "input": "\u{0}NaN", "output": 1 } }]);
    // A string is not a price: refused by the catalogue's reader, as a string.
    let e = serde_json::from_value::<Vec<tokenmeter::catalogue::RawModel>>(spec).unwrap_err();
    assert!(!e.to_string().contains("got NaN"), "{e}");
    let e = parse_messages(
        &json!([{ "role": "user", "content": [{ "type": 5 }] }]),
        "m",
    )
    .unwrap_err();
    assert_eq!(
        e.message(),
        "m[0].content[0].type: must be a content part type (text, image_url), got a number"
    );
}
