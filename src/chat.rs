//! Counting OpenAI-format chat requests: messages, content parts, images,
//! tool calls and tool definitions.
//!
//! The rules and where they come from:
//! * Messages: the OpenAI cookbook's `num_tokens_from_messages` ("How to count
//!   tokens with tiktoken"): every message costs 3 tokens plus the tokens of
//!   each of its string values (role, content, name), a `name` costs 1 more,
//!   and the reply is primed with 3. gpt-3.5-turbo-0301: 4 per message and
//!   -1 per name. For the cookbook's six example messages this gives 129
//!   (gpt-4) and 124 (gpt-4o), the counts the API reports.
//! * Tool definitions: the same notebook's `num_tokens_for_tools`: 7 tokens
//!   per function for o200k models and 10 for cl100k, `name:description`,
//!   3 per parameter block and per property, `name:type:description` per
//!   property, 3 per enum item (-3 per enum), 12 to close. Its weather
//!   example gives 101 (gpt-4o) and 105 (gpt-4). Nested object properties are
//!   counted the same way, one level down (the notebook stops at one level).
//! * Assistant `tool_calls` (not covered by the notebook): each call costs its
//!   id, function name and arguments plus 3 tokens. This is tokenmeter's
//!   approximation; the README says so.
//! * Images: OpenAI's vision pricing rules per model family
//!   (`data/vision.json`). An image without `width`/`height` is counted at
//!   the most a high-detail image can cost for the model.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::tokens::Tokenizer;

/// One chat message. Unknown keys are ignored as the API ignores them, but
/// the keys that count must have the right types.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Message {
    pub role: String,
    pub content: Content,
    pub name: Option<String>,
    pub tool_calls: Vec<ToolCall>,
    pub tool_call_id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub enum Content {
    #[default]
    None,
    Text(String),
    Parts(Vec<Part>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    Text(String),
    Image {
        detail: Detail,
        width: Option<u32>,
        height: Option<u32>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    Low,
    High,
    /// The API picks; counted as high, the most it can cost.
    Auto,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub arguments: String,
}

/// A function tool definition, as in `tools: [{ type: "function", function }]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Tool {
    pub name: String,
    pub description: String,
    pub parameters: Value,
}

impl Message {
    /// A text message.
    pub fn new(role: &str, content: &str) -> Message {
        Message {
            role: role.to_string(),
            content: Content::Text(content.to_string()),
            ..Message::default()
        }
    }

    /// The message's text: the content string, or its text parts joined.
    pub fn text(&self) -> String {
        match &self.content {
            Content::None => String::new(),
            Content::Text(t) => t.clone(),
            Content::Parts(parts) => parts
                .iter()
                .filter_map(|p| match p {
                    Part::Text(t) => Some(t.as_str()),
                    Part::Image { .. } => None,
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

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

/// Per-message constants of the cookbook's formula for `model`.
fn message_overhead(model: &str) -> (i64, i64) {
    if model == "gpt-3.5-turbo-0301" {
        (4, -1)
    } else {
        (3, 1)
    }
}

/// The input tokens of a chat request to `model` (whose rules for images and
/// per-message overhead apply), counted with `tokenizer` (the model's):
/// messages, plus tools when given. For an estimated tokenizer the whole
/// count is scaled by its factor once, at the end.
pub fn count_chat_tokens(
    tokenizer: &Tokenizer,
    model: &str,
    messages: &[Message],
    tools: &[Tool],
) -> Result<usize> {
    count_chat_within(tokenizer, model, messages, tools, usize::MAX)?
        .ok_or_else(|| Error::invalid("messages", "count overflow"))
}

/// Like [`count_chat_tokens`], but `None` as soon as the count passes `limit`.
/// Each message is counted against what is left of the limit, its texts with
/// [`Tokenizer::count_within`], so one 10 MB message over a 1,000-token limit
/// is tokenized only until it passes the limit, and the messages after it not
/// at all. Within the limit the count is exactly [`count_chat_tokens`]'s.
pub fn count_chat_within(
    tokenizer: &Tokenizer,
    model: &str,
    messages: &[Message],
    tools: &[Tool],
    limit: usize,
) -> Result<Option<usize>> {
    let raw_limit = limit.saturating_mul(1000) / tokenizer.factor_per_mille().max(1) as usize;
    // Reply priming and tools are small next to a long message: counted whole.
    let mut total = 3usize.saturating_add(count_tools(tokenizer, tools));
    for message in messages {
        // Every message adds at least 2 tokens (3, or 4 and -1 for a name), so
        // once the running total is past the limit the final one is too.
        let left = raw_limit.checked_sub(total);
        match left.and_then(|left| message_tokens_within(tokenizer, model, message, left)) {
            Some(n) => total = total.saturating_add(n),
            None => return Ok(None),
        }
    }
    let scaled = tokenizer.scale(total);
    Ok((total <= raw_limit && scaled <= limit).then_some(scaled))
}

/// Tokens one message adds to a request (its share of the cookbook formula,
/// without the reply priming). Unscaled.
pub fn message_tokens(tokenizer: &Tokenizer, model: &str, message: &Message) -> i64 {
    message_tokens_within(tokenizer, model, message, usize::MAX).map_or(i64::MAX, |n| n as i64)
}

/// [`message_tokens`] if it is at most `limit`, else `None`, found without
/// tokenizing more of the message than the limit needs. The one negative
/// term (gpt-3.5-turbo-0301's -1 per name) is allowed for from the start, so
/// `None` is only returned when the message's count is surely over `limit`.
fn message_tokens_within(
    tokenizer: &Tokenizer,
    model: &str,
    message: &Message,
    limit: usize,
) -> Option<usize> {
    let (per_message, per_name) = message_overhead(model);
    // The message's count is `positive - credit`, with `credit` known now.
    let credit = match &message.name {
        Some(_) if per_name < 0 => per_name.unsigned_abs() as usize,
        _ => 0,
    };
    let cap = limit.saturating_add(credit);
    let mut positive = per_message.max(0) as usize;
    let add = |n: usize, positive: &mut usize| -> Option<()> {
        *positive = positive.saturating_add(n);
        (*positive <= cap).then_some(())
    };
    let text = |s: &str, positive: &mut usize| -> Option<()> {
        let left = cap.checked_sub(*positive)?;
        let n = tokenizer.count_unscaled_within(s, left)?;
        add(n, positive)
    };
    text(&message.role, &mut positive)?;
    match &message.content {
        Content::None => {}
        Content::Text(t) => text(t, &mut positive)?,
        Content::Parts(parts) => {
            for part in parts {
                match part {
                    Part::Text(t) => text(t, &mut positive)?,
                    Part::Image {
                        detail,
                        width,
                        height,
                    } => {
                        let n = image_tokens(model, *detail, *width, *height);
                        add(usize::try_from(n).unwrap_or(usize::MAX), &mut positive)?;
                    }
                }
            }
        }
    }
    if let Some(name) = &message.name {
        text(name, &mut positive)?;
        add(per_name.max(0) as usize, &mut positive)?;
    }
    if let Some(id) = &message.tool_call_id {
        text(id, &mut positive)?;
    }
    for call in &message.tool_calls {
        add(3, &mut positive)?;
        text(&call.id, &mut positive)?;
        text(&call.name, &mut positive)?;
        text(&call.arguments, &mut positive)?;
    }
    Some(positive.saturating_sub(credit)).filter(|&n| n <= limit)
}

/// Tokens of the tool definitions (the notebook's `num_tokens_for_tools`
/// without its messages part). Unscaled.
pub fn count_tools(tokenizer: &Tokenizer, tools: &[Tool]) -> usize {
    if tools.is_empty() {
        return 0;
    }
    let func_init: i64 = match tokenizer.encoding() {
        crate::Encoding::Cl100kBase
        | crate::Encoding::P50kBase
        | crate::Encoding::P50kEdit
        | crate::Encoding::R50kBase => 10,
        _ => 7,
    };
    let count = |s: &str| tokenizer.count_unscaled(s) as i64;
    let mut n: i64 = 0;
    for tool in tools {
        n += func_init;
        let desc = tool
            .description
            .strip_suffix('.')
            .unwrap_or(&tool.description);
        n += count(&format!("{}:{}", tool.name, desc));
        n += properties_tokens(&count, tool.parameters.get("properties"), 0);
    }
    n += 12;
    n.max(0) as usize
}

/// 3 to open a property block, then per property 3 + `name:type:description`
/// and its enum; nested object properties one level down, at most 8 levels.
fn properties_tokens(
    count: &impl Fn(&str) -> i64,
    properties: Option<&Value>,
    depth: usize,
) -> i64 {
    let Some(Value::Object(props)) = properties else {
        return 0;
    };
    if props.is_empty() || depth > 8 {
        return 0;
    }
    let mut n = 3;
    for (key, prop) in props {
        n += 3;
        let p_type = match prop.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("|"),
            _ => String::new(),
        };
        if let Some(Value::Array(items)) = prop.get("enum") {
            n -= 3;
            for item in items {
                n += 3;
                n += match item {
                    Value::String(s) => count(s),
                    other => count(&other.to_string()),
                };
            }
        }
        let desc = prop
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("");
        let desc = desc.strip_suffix('.').unwrap_or(desc);
        n += count(&format!("{key}:{p_type}:{desc}"));
        n += properties_tokens(count, prop.get("properties"), depth + 1);
    }
    n
}

#[derive(Deserialize)]
struct VisionFile {
    default: VisionRule,
    rules: Vec<VisionRule>,
}

#[derive(Clone, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase")]
enum VisionRule {
    Tiles {
        #[serde(default)]
        prefix: String,
        base: u64,
        tile: u64,
    },
    Patches {
        #[serde(default)]
        prefix: String,
        multiplier: f64,
    },
}

impl VisionRule {
    fn prefix(&self) -> &str {
        match self {
            VisionRule::Tiles { prefix, .. } | VisionRule::Patches { prefix, .. } => prefix,
        }
    }
}

fn vision_rule(model: &str) -> VisionRule {
    static FILE: OnceLock<Option<VisionFile>> = OnceLock::new();
    let fallback = VisionRule::Tiles {
        prefix: String::new(),
        base: 85,
        tile: 170,
    };
    let Some(file) = FILE
        .get_or_init(|| serde_json::from_str(include_str!("../data/vision.json")).ok())
        .as_ref()
    else {
        return fallback;
    };
    file.rules
        .iter()
        .filter(|r| model.starts_with(r.prefix()))
        .max_by_key(|r| r.prefix().len())
        .unwrap_or(&file.default)
        .clone()
}

/// Input tokens of one image for `model`.
pub fn image_tokens(model: &str, detail: Detail, width: Option<u32>, height: Option<u32>) -> u64 {
    match vision_rule(model) {
        VisionRule::Tiles { base, tile, .. } => {
            if detail == Detail::Low {
                return base;
            }
            let tiles = match (width, height) {
                (Some(w), Some(h)) => {
                    let (mut w, mut h) = (f64::from(w), f64::from(h));
                    if w > 2048.0 || h > 2048.0 {
                        let s = 2048.0 / w.max(h);
                        w *= s;
                        h *= s;
                    }
                    if w.min(h) > 768.0 {
                        let s = 768.0 / w.min(h);
                        w *= s;
                        h *= s;
                    }
                    ((w / 512.0).ceil() * (h / 512.0).ceil()) as u64
                }
                // The largest image after the resize is 768 x 2048: 2 x 4 tiles.
                _ => 8,
            };
            base + tile * tiles
        }
        VisionRule::Patches { multiplier, .. } => {
            let patches = match (width, height) {
                (Some(w), Some(h)) => {
                    let (w, h) = (f64::from(w), f64::from(h));
                    let raw = (w / 32.0).ceil() * (h / 32.0).ceil();
                    if raw <= 1536.0 {
                        raw
                    } else {
                        let shrink = (32.0 * 32.0 * 1536.0 / (w * h)).sqrt();
                        let adjust = ((w * shrink / 32.0).floor() / (w * shrink / 32.0))
                            .min((h * shrink / 32.0).floor() / (h * shrink / 32.0));
                        let s = shrink * adjust;
                        ((w * s / 32.0).ceil() * (h * s / 32.0).ceil()).min(1536.0)
                    }
                }
                _ => 1536.0,
            };
            (patches * multiplier).ceil() as u64
        }
    }
}
