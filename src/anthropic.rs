//! Anthropic Messages requests read into the chat shape that
//! [`crate::chat`], [`crate::preflight`] and the stream meter count, so that
//! a gateway in front of `/v1/messages` can check and meter them too.
//!
//! * `system` (a string or text blocks) becomes the first message.
//! * Text blocks are text parts; image blocks are image parts (no size is
//!   known, so each is counted at the most the model's image rules allow).
//! * `tool_use` blocks become the assistant's `tool_calls` (their `input`
//!   as JSON arguments), each `tool_result` a `tool` message answering its
//!   call, ahead of what else the user message says.
//! * `thinking` and `redacted_thinking` blocks of earlier turns are left
//!   out (Anthropic drops them from the context).
//! * A block of any other type (documents, search results ...) is counted
//!   as its JSON text, an approximation, rather than refused.
//! * `tools` keep their name and description, `input_schema` as the
//!   parameters; `max_tokens`, `model` and the other keys pass unchanged.
//!
//! Claude's tokenizer is not public: counts of the result are estimates,
//! as every Claude count in tokenmeter is.

use serde_json::{Map, Value};

use crate::chat::type_name;
use crate::error::{Error, Result};

/// The chat-shaped request of an Anthropic Messages request.
pub fn chat_request(request: &Value) -> Result<Value> {
    let obj = request.as_object().ok_or_else(|| {
        Error::invalid(
            "request",
            format!(
                "must be an Anthropic Messages request object, got {}",
                type_name(request)
            ),
        )
    })?;
    // Every key but `system`, which becomes a message.
    let mut out = Map::new();
    for (k, v) in obj.iter().filter(|(k, _)| *k != "system") {
        out.insert(k.clone(), v.clone());
    }
    let mut messages = Vec::new();
    match obj.get("system") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => messages.push(object(vec![
            ("role", "system".into()),
            ("content", s.as_str().into()),
        ])),
        Some(Value::Array(blocks)) => {
            let parts = blocks
                .iter()
                .enumerate()
                .map(|(i, b)| text_part(b, &format!("request.system[{i}]")))
                .collect::<Result<Vec<_>>>()?;
            messages.push(object(vec![
                ("role", "system".into()),
                ("content", parts.into()),
            ]));
        }
        Some(v) => {
            return Err(Error::invalid(
                "request.system",
                format!("must be a string or text blocks, got {}", type_name(v)),
            ))
        }
    }
    let given = obj
        .get("messages")
        .ok_or_else(|| Error::invalid("request.messages", "is required"))?;
    let items = given.as_array().ok_or_else(|| {
        Error::invalid(
            "request.messages",
            format!("must be an array of messages, got {}", type_name(given)),
        )
    })?;
    for (i, m) in items.iter().enumerate() {
        message(m, &format!("request.messages[{i}]"), &mut messages)?;
    }
    out.insert("messages".into(), Value::Array(messages));
    if let Some(tools) = obj.get("tools").filter(|t| !t.is_null()) {
        out.insert("tools".into(), self::tools(tools)?);
    }
    Ok(Value::Object(out))
}

/// A JSON object of `pairs` (the `json!` macro inlines a long run of code
/// for each object; this is one call).
fn object(pairs: Vec<(&str, Value)>) -> Value {
    let mut map = Map::new();
    for (k, v) in pairs {
        map.insert(k.to_string(), v);
    }
    Value::Object(map)
}

fn text(t: &str) -> Value {
    object(vec![("type", "text".into()), ("text", t.into())])
}

fn text_part(block: &Value, field: &str) -> Result<Value> {
    match block.get("text") {
        Some(Value::String(t)) => Ok(text(t)),
        _ => Err(Error::invalid(
            format!("{field}.text"),
            "must be a string (a text block)",
        )),
    }
}

fn message(m: &Value, field: &str, out: &mut Vec<Value>) -> Result<()> {
    let obj = m.as_object().ok_or_else(|| {
        Error::invalid(
            field,
            format!("must be a message object, got {}", type_name(m)),
        )
    })?;
    let role = obj.get("role").cloned().unwrap_or(Value::Null);
    let blocks = match obj.get("content") {
        Some(Value::Array(blocks)) => blocks,
        // A string (or anything else, which the chat reader then names).
        _ => {
            out.push(m.clone());
            return Ok(());
        }
    };
    let mut parts = Vec::new();
    let mut calls = Vec::new();
    for (j, b) in blocks.iter().enumerate() {
        let f = format!("{field}.content[{j}]");
        match b.get("type").and_then(Value::as_str) {
            Some("text") => parts.push(text_part(b, &f)?),
            Some("image") => parts.push(object(vec![
                ("type", "image_url".into()),
                ("image_url", object(vec![("detail", "auto".into())])),
            ])),
            Some("tool_use") => {
                let input = b.get("input").unwrap_or(&Value::Null).to_string();
                let function = object(vec![
                    ("name", string(b, "name", &f)?.into()),
                    ("arguments", input.into()),
                ]);
                calls.push(object(vec![
                    ("id", string(b, "id", &f)?.into()),
                    ("type", "function".into()),
                    ("function", function),
                ]))
            }
            Some("tool_result") => out.push(object(vec![
                ("role", "tool".into()),
                ("tool_call_id", string(b, "tool_use_id", &f)?.into()),
                ("content", result_text(b.get("content")).into()),
            ])),
            Some("thinking" | "redacted_thinking") => {}
            Some(_) => parts.push(text(&b.to_string())),
            None => {
                return Err(Error::invalid(
                    format!("{f}.type"),
                    "is required (a content block type)",
                ))
            }
        }
    }
    if parts.is_empty() && calls.is_empty() {
        return Ok(());
    }
    let mut message = Map::new();
    message.insert("role".into(), role);
    message.insert("content".into(), Value::Array(parts));
    if !calls.is_empty() {
        message.insert("tool_calls".into(), Value::Array(calls));
    }
    out.push(Value::Object(message));
    Ok(())
}

fn string(block: &Value, key: &str, field: &str) -> Result<String> {
    block
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| Error::invalid(format!("{field}.{key}"), "must be a string"))
}

/// A tool result's text: its string, or its text blocks joined (other
/// blocks as their JSON).
fn result_text(content: Option<&Value>) -> String {
    match content {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(blocks)) => blocks
            .iter()
            .map(|b| match b.get("text") {
                Some(Value::String(t)) => t.clone(),
                _ => b.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Some(other) => other.to_string(),
    }
}

fn tools(tools: &Value) -> Result<Value> {
    let items = tools.as_array().ok_or_else(|| {
        Error::invalid(
            "request.tools",
            format!("must be an array of tools, got {}", type_name(tools)),
        )
    })?;
    let converted = items
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let f = format!("request.tools[{i}]");
            let description = t.get("description").and_then(Value::as_str).unwrap_or("");
            let parameters = t
                .get("input_schema")
                .cloned()
                .unwrap_or_else(|| object(vec![]));
            let function = object(vec![
                ("name", string(t, "name", &f)?.into()),
                ("description", description.into()),
                ("parameters", parameters),
            ]);
            Ok(object(vec![
                ("type", "function".into()),
                ("function", function),
            ]))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Value::Array(converted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{chat, Catalogue};
    use serde_json::json;

    #[test]
    fn a_tool_conversation_reads_and_counts() {
        let request = json!({
            "model": "claude-sonnet-4-5", "max_tokens": 1024,
            "system": [{ "type": "text", "text": "You are a weather bot." }],
            "tools": [{ "name": "get_weather", "description": "Weather by city",
                "input_schema": { "type": "object", "properties": { "city": { "type": "string" } } } }],
            "messages": [
                { "role": "user", "content": "Weather in Paris?" },
                { "role": "assistant", "content": [
                    { "type": "thinking", "thinking": "Call it.", "signature": "x" },
                    { "type": "text", "text": "Checking." },
                    { "type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": { "city": "Paris" } }] },
                { "role": "user", "content": [
                    { "type": "tool_result", "tool_use_id": "toolu_1", "content": [{ "type": "text", "text": "18°C" }] },
                    { "type": "text", "text": "And tomorrow?" },
                    { "type": "image", "source": { "type": "base64", "media_type": "image/png", "data": "iVBOR" } }] }
            ]
        });
        let chat = chat_request(&request).unwrap();
        assert_eq!(chat["max_tokens"], 1024);
        assert_eq!(chat.get("system"), None);
        let roles: Vec<&str> = chat["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["role"].as_str().unwrap())
            .collect();
        assert_eq!(roles, ["system", "user", "assistant", "tool", "user"]);
        assert_eq!(
            chat["messages"][2]["tool_calls"][0]["function"]["arguments"],
            "{\"city\":\"Paris\"}"
        );
        assert_eq!(chat["messages"][3]["content"], "18°C");
        assert_eq!(chat["tools"][0]["function"]["parameters"]["type"], "object");
        let messages = chat::parse_messages(&chat["messages"], "messages").unwrap();
        let tools = chat::parse_tools(&chat["tools"], "tools").unwrap();
        let tok = Catalogue::bundled().tokenizer("claude-sonnet-4-5").unwrap();
        assert!(
            chat::count_chat_tokens(&tok, "claude-sonnet-4-5", &messages, &tools).unwrap() > 20
        );
    }

    #[test]
    fn bad_requests_name_the_anthropic_field() {
        for (request, field) in [
            (json!([]), "request"),
            (json!({ "model": "m" }), "request.messages"),
            (json!({ "messages": {} }), "request.messages"),
            (json!({ "system": 5, "messages": [] }), "request.system"),
            (
                json!({ "system": [{ "type": "text" }], "messages": [] }),
                "request.system[0].text",
            ),
            (json!({ "messages": [7] }), "request.messages[0]"),
            (
                json!({ "messages": [{ "role": "user", "content": [{ "text": "hi" }] }] }),
                "request.messages[0].content[0].type",
            ),
            (
                json!({ "messages": [{ "role": "assistant", "content": [{ "type": "tool_use", "name": "f" }] }] }),
                "request.messages[0].content[0].id",
            ),
            (
                json!({ "messages": [], "tools": [{ "description": "x" }] }),
                "request.tools[0].name",
            ),
            (json!({ "messages": [], "tools": {} }), "request.tools"),
        ] {
            let e = chat_request(&request).unwrap_err();
            assert_eq!(e.field_name(), Some(field), "{request}");
        }
    }
}
