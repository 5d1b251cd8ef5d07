//! Reading OpenAI-format messages and tool definitions from JSON, naming
//! the exact field that is wrong.

use serde_json::Value;

use super::{Content, Detail, Message, Part, Tool, ToolCall};
use crate::error::{Error, Result};

fn string_at(v: &Value, field: &str) -> Result<String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| Error::invalid(field, format!("must be a string, got {}", type_name(v))))
}

fn optional_string(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<Option<String>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => string_at(v, &format!("{field}.{key}")).map(Some),
    }
}

/// The JSON type of a value, for error messages. Type errors end in
/// "got {type_name}", so that a caller may name the value in its own terms
/// (the JavaScript binding names a NaN it had to pass as another value).
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses OpenAI-format messages, naming the exact field that is wrong.
/// Also checks that every `tool` message answers a call made before it.
pub fn parse_messages(value: &Value, field: &str) -> Result<Vec<Message>> {
    let items = value.as_array().ok_or_else(|| {
        Error::invalid(
            field,
            format!("must be an array of messages, got {}", type_name(value)),
        )
    })?;
    let mut messages = Vec::with_capacity(items.len());
    let mut open_calls: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let f = format!("{field}[{i}]");
        let message = parse_message(item, &f)?;
        if message.role == "tool" {
            let id = message.tool_call_id.as_deref().ok_or_else(|| {
                Error::invalid(format!("{f}.tool_call_id"), "is required on a tool message")
            })?;
            if !open_calls.iter().any(|c| c == id) {
                return Err(Error::invalid(
                    format!("{f}.tool_call_id"),
                    format!("{id:?} answers no tool call of an earlier assistant message"),
                ));
            }
        }
        open_calls.extend(message.tool_calls.iter().map(|c| c.id.clone()));
        messages.push(message);
    }
    Ok(messages)
}

fn parse_message(value: &Value, field: &str) -> Result<Message> {
    let obj = value.as_object().ok_or_else(|| {
        Error::invalid(
            field,
            format!("must be a message object, got {}", type_name(value)),
        )
    })?;
    let role = match obj.get("role") {
        None => return Err(Error::invalid(format!("{field}.role"), "is required")),
        Some(v) => string_at(v, &format!("{field}.role"))?,
    };
    let content = match obj.get("content") {
        None | Some(Value::Null) => Content::None,
        Some(Value::String(s)) => Content::Text(s.clone()),
        Some(Value::Array(parts)) => Content::Parts(
            parts
                .iter()
                .enumerate()
                .map(|(j, p)| parse_part(p, &format!("{field}.content[{j}]")))
                .collect::<Result<_>>()?,
        ),
        Some(v) => {
            return Err(Error::invalid(
                format!("{field}.content"),
                format!(
                    "must be a string, an array of content parts or null, got {}",
                    type_name(v)
                ),
            ))
        }
    };
    let tool_calls = match obj.get("tool_calls") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(calls)) => calls
            .iter()
            .enumerate()
            .map(|(j, c)| parse_tool_call(c, &format!("{field}.tool_calls[{j}]")))
            .collect::<Result<_>>()?,
        Some(v) => {
            return Err(Error::invalid(
                format!("{field}.tool_calls"),
                format!("must be an array, got {}", type_name(v)),
            ))
        }
    };
    Ok(Message {
        role,
        content,
        name: optional_string(obj, "name", field)?,
        tool_calls,
        tool_call_id: optional_string(obj, "tool_call_id", field)?,
    })
}

fn parse_part(value: &Value, field: &str) -> Result<Part> {
    let obj = value.as_object().ok_or_else(|| {
        Error::invalid(
            field,
            format!("must be a content part object, got {}", type_name(value)),
        )
    })?;
    let kind = obj
        .get("type")
        .ok_or_else(|| Error::invalid(format!("{field}.type"), "is required"))?;
    match kind.as_str() {
        Some("text" | "input_text" | "output_text") => {
            let text = obj
                .get("text")
                .ok_or_else(|| Error::invalid(format!("{field}.text"), "is required"))?;
            Ok(Part::Text(string_at(text, &format!("{field}.text"))?))
        }
        Some("image_url" | "input_image") => {
            let image = obj.get("image_url").and_then(Value::as_object);
            let get = |key: &str| image.and_then(|i| i.get(key)).or_else(|| obj.get(key));
            let detail = match get("detail") {
                None | Some(Value::Null) => Detail::Auto,
                Some(v) => match v.as_str() {
                    Some("low") => Detail::Low,
                    Some("high") => Detail::High,
                    Some("auto") => Detail::Auto,
                    _ => {
                        return Err(Error::invalid(
                            format!("{field}.image_url.detail"),
                            "must be \"low\", \"high\" or \"auto\"",
                        ))
                    }
                },
            };
            let dim = |key: &str| -> Result<Option<u32>> {
                match get(key) {
                    None | Some(Value::Null) => Ok(None),
                    Some(v) => v
                        .as_u64()
                        .filter(|&n| n > 0 && n <= 1_000_000)
                        .map(|n| Some(n as u32))
                        .ok_or_else(|| {
                            Error::invalid(
                                format!("{field}.image_url.{key}"),
                                "must be a whole number of pixels from 1 to 1000000",
                            )
                        }),
                }
            };
            Ok(Part::Image {
                detail,
                width: dim("width")?,
                height: dim("height")?,
            })
        }
        Some(_) => Err(Error::invalid(
            format!("{field}.type"),
            format!("{kind} is not a countable content part (text, image_url)"),
        )),
        None => Err(Error::invalid(
            format!("{field}.type"),
            format!(
                "must be a content part type (text, image_url), got {}",
                type_name(kind)
            ),
        )),
    }
}

fn parse_tool_call(value: &Value, field: &str) -> Result<ToolCall> {
    let obj = value.as_object().ok_or_else(|| {
        Error::invalid(
            field,
            format!("must be a tool call object, got {}", type_name(value)),
        )
    })?;
    let id = optional_string(obj, "id", field)?.unwrap_or_default();
    let function = obj
        .get("function")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            Error::invalid(
                format!("{field}.function"),
                "must be an object with name and arguments",
            )
        })?;
    let f = format!("{field}.function");
    Ok(ToolCall {
        id,
        name: optional_string(function, "name", &f)?
            .ok_or_else(|| Error::invalid(format!("{f}.name"), "is required"))?,
        arguments: optional_string(function, "arguments", &f)?.unwrap_or_default(),
    })
}

/// Parses `tools` (`[{ type: "function", function: { name, description,
/// parameters } }]`; the bare function objects are accepted too).
pub fn parse_tools(value: &Value, field: &str) -> Result<Vec<Tool>> {
    let items = value.as_array().ok_or_else(|| {
        Error::invalid(
            field,
            format!("must be an array of tools, got {}", type_name(value)),
        )
    })?;
    items
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let f = format!("{field}[{i}]");
            let obj = t
                .as_object()
                .ok_or_else(|| Error::invalid(&f, "must be a tool object"))?;
            let (function, f) = match obj.get("function") {
                Some(Value::Object(func)) => (func, format!("{f}.function")),
                Some(_) => {
                    return Err(Error::invalid(format!("{f}.function"), "must be an object"))
                }
                None => (obj, f),
            };
            let name = optional_string(function, "name", &f)?
                .ok_or_else(|| Error::invalid(format!("{f}.name"), "is required"))?;
            let parameters = function.get("parameters").cloned().unwrap_or(Value::Null);
            if !matches!(parameters, Value::Null | Value::Object(_)) {
                return Err(Error::invalid(
                    format!("{f}.parameters"),
                    "must be a JSON schema object",
                ));
            }
            Ok(Tool {
                name,
                description: optional_string(function, "description", &f)?.unwrap_or_default(),
                parameters,
            })
        })
        .collect()
}
