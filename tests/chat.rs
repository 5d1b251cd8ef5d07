//! Chat counting against the OpenAI cookbook's published figures.

use serde_json::json;
use tokenmeter::chat::{count_chat_tokens, image_tokens, parse_messages, parse_tools, Detail};

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
    assert!(count_chat_tokens("gpt-4o", &messages, &[]).unwrap() > 20);
}
