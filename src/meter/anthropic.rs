//! Anthropic Messages events: `message_start` (the message, with the
//! prompt's usage: `input_tokens` and the cache reads and writes), content
//! blocks (`content_block_start`, `content_block_delta` with `text_delta`,
//! `input_json_delta` or `thinking_delta`), `message_delta` whose `usage` is
//! cumulative (the output so far, and with server tools the input too), and
//! `message_stop`. The usage is the `message_start` usage with each
//! `message_delta` usage laid over it, read as a whole reply's
//! (`usage::FORMATS`, "anthropic").

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::count::Kind;
use super::{sse::Event, Malformed, Progress, StreamFormat};

pub const FORMAT: StreamFormat = StreamFormat {
    name: "anthropic",
    detect: |e| {
        matches!(
            e.get("type").and_then(Value::as_str),
            Some(
                "message_start"
                    | "message_delta"
                    | "message_stop"
                    | "content_block_start"
                    | "content_block_delta"
                    | "content_block_stop"
                    | "ping"
            )
        )
    },
    read,
};

#[derive(Deserialize)]
struct Ev<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default)]
    index: u64,
    message: Option<Message>,
    #[serde(borrow)]
    content_block: Option<Block<'a>>,
    #[serde(borrow)]
    delta: Option<Block<'a>>,
    usage: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct Message {
    model: Option<String>,
    usage: Option<Map<String, Value>>,
}

/// A content block or a delta of one (their text fields share names).
#[derive(Deserialize)]
struct Block<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow)]
    thinking: Option<Cow<'a, str>>,
    #[serde(borrow)]
    partial_json: Option<Cow<'a, str>>,
}

fn read(p: &mut Progress, event: &Event<'_>) -> Result<(), Malformed> {
    let ev: Ev<'_> = serde_json::from_str(event.data)?;
    let i = ev.index;
    match ev.kind.as_ref() {
        "message_start" => {
            let message = ev.message.ok_or(Malformed)?;
            p.model = message.model;
            p.anthropic_usage = message.usage.unwrap_or_default();
            p.usage = Some(Progress::read_usage("anthropic", &p.anthropic_usage)?);
        }
        "content_block_start" | "content_block_delta" => {
            let block = ev.content_block.or(ev.delta).ok_or(Malformed)?;
            let tool = matches!(
                block.kind.as_deref(),
                Some("input_json_delta" | "tool_use" | "server_tool_use")
            );
            if let Some(text) = block.text {
                p.output.push((Kind::Text, i, 0), &text);
            }
            if let Some(thinking) = block.thinking {
                p.output.push((Kind::Reasoning, i, 0), &thinking);
            }
            if let Some(json) = block.partial_json.filter(|_| tool) {
                p.output.push((Kind::ToolArguments, i, 0), &json);
            }
        }
        "message_delta" => {
            for (k, v) in ev.usage.ok_or(Malformed)? {
                if !v.is_null() {
                    p.anthropic_usage.insert(k, v);
                }
            }
            p.usage = Some(Progress::read_usage("anthropic", &p.anthropic_usage)?);
            p.usage_final = true;
        }
        "message_stop" => p.ended = true,
        "error" => p.failed = true,
        _ => {}
    }
    Ok(())
}
