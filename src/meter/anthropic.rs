//! Anthropic Messages events: `message_start` (the message, with the
//! prompt's usage: `input_tokens` and the cache reads and writes), content
//! blocks (`content_block_start`, `content_block_delta` with `text_delta`,
//! `input_json_delta` or `thinking_delta`), `message_delta` whose `usage` is
//! cumulative (the output so far, and with server tools the input too), and
//! `message_stop`. The usage is the `message_start` usage with each
//! `message_delta` usage laid over it, read as a whole reply's
//! (`usage::FORMATS`, "anthropic").

use super::count::Kind;
use super::event::{Event, Field};
use super::{Malformed, Progress, StreamFormat};

pub const FORMAT: StreamFormat = StreamFormat {
    name: "anthropic",
    detect: |e| {
        matches!(
            e.kind.as_ref().map(|k| k.as_str()),
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

fn read(p: &mut Progress, e: Event<'_>) -> Result<(), Malformed> {
    let i = e.index.unwrap_or(0);
    match e
        .kind
        .as_ref()
        .and_then(|k| k.0.as_deref())
        .ok_or(Malformed)?
    {
        "message_start" => {
            let message = e.message.ok_or(Malformed)?;
            p.set_model(message.model.as_deref());
            p.anthropic_usage = message.usage.unwrap_or_default();
            p.usage = Some(Progress::read_usage("anthropic", &p.anthropic_usage)?);
        }
        "content_block_start" | "content_block_delta" => {
            let block = match (e.content_block, e.delta) {
                (Some(block), _) => block,
                (None, Some(Field::Part(block))) => *block,
                _ => return Err(Malformed),
            };
            let tool = matches!(
                block.kind.as_ref().map(|k| k.as_str()),
                Some("input_json_delta" | "tool_use" | "server_tool_use")
            );
            if let Some(text) = block.text {
                p.output.push((Kind::Text, i, 0), text.as_str());
            }
            if let Some(thinking) = block.thinking {
                p.output.push((Kind::Reasoning, i, 0), thinking.as_str());
            }
            if let Some(json) = block.partial_json.filter(|_| tool) {
                p.output.push((Kind::ToolArguments, i, 0), json.as_str());
            }
        }
        "message_delta" => {
            for (k, v) in e.usage.ok_or(Malformed)? {
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
