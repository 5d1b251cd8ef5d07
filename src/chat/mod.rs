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
//!   approximation; docs/accuracy.md says so.
//! * Images: OpenAI's vision pricing rules per model family
//!   (`data/vision.json`). An image without `width`/`height` is counted at
//!   the most a high-detail image can cost for the model.
//!
//! The JSON readers are in `parse`, the image rules in `vision`.

mod parse;
pub mod template;
mod vision;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::tokens::Tokenizer;

pub(crate) use parse::type_name;
pub use parse::{parse_messages, parse_tools};
pub use vision::image_tokens;

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
    if let Some(t) = template::for_model(model) {
        let raw = t.count_within(tokenizer, model, messages, tools, raw_limit);
        return Ok(raw
            .map(|n| tokenizer.scale(n))
            .filter(|&scaled| scaled <= limit));
    }
    // Reply priming and tools are small next to a long message: counted whole.
    let mut total = fixed_tokens(tokenizer, model, tools);
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
    if let Some(t) = template::for_model(model) {
        let n = t.message_share(tokenizer, model, message);
        return i64::try_from(n).unwrap_or(i64::MAX);
    }
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

/// Tokens of a request to `model` besides its messages: the reply's
/// priming (and a template's start and standing blocks) and the tools.
/// Unscaled; with [`message_tokens`] of each message it sums to the count.
pub fn fixed_tokens(tokenizer: &Tokenizer, model: &str, tools: &[Tool]) -> usize {
    match template::for_model(model) {
        Some(t) => t.fixed(tokenizer, tools),
        None => 3usize.saturating_add(count_tools(tokenizer, tools)),
    }
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
