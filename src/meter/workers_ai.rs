//! Cloudflare Workers AI's own stream (`env.AI.run(model, { stream: true })`
//! and the REST `/ai/run/` endpoint): `data: {"response": "..."}` events,
//! tool calls as `tool_calls` (`{ name, arguments }`, or OpenAI's
//! `{ index, function: { arguments } }` in pieces), a last event with a
//! `usage` object in OpenAI's shape (`prompt_tokens`, `completion_tokens`),
//! then `data: [DONE]`. Its `/v1/chat/completions` endpoint sends OpenAI
//! chunks instead, read as "openai-chat".

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::count::Kind;
use super::{sse::Event, Malformed, Progress, StreamFormat};

pub const FORMAT: StreamFormat = StreamFormat {
    name: "workers-ai",
    detect: |e| {
        !e.contains_key("choices")
            && (e.get("response").is_some_and(Value::is_string)
                || e.get("tool_calls").is_some_and(Value::is_array))
    },
    read,
};

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow)]
    response: Option<Cow<'a, str>>,
    tool_calls: Option<Vec<ToolCall>>,
    usage: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct ToolCall {
    index: Option<u64>,
    arguments: Option<Value>,
    function: Option<Function>,
}

#[derive(Deserialize)]
struct Function {
    arguments: Option<Value>,
}

fn read(p: &mut Progress, event: &Event<'_>) -> Result<(), Malformed> {
    let chunk: Chunk<'_> = serde_json::from_str(event.data)?;
    if let Some(text) = chunk.response {
        p.output.push((Kind::Text, 0, 0), &text);
    }
    for call in chunk.tool_calls.unwrap_or_default() {
        let args = call.arguments.or(call.function.and_then(|f| f.arguments));
        match (args, call.index) {
            // A piece of the arguments of the call at `index`.
            (Some(Value::String(s)), Some(i)) => p.output.push((Kind::ToolArguments, 0, i), &s),
            (Some(Value::String(s)), None) => p.output.whole(Kind::ToolArguments, &s),
            // Whole arguments, as JSON.
            (Some(v), _) if !v.is_null() => p.output.whole(Kind::ToolArguments, &v.to_string()),
            _ => {}
        }
    }
    if let Some(usage) = chunk.usage {
        p.usage = Some(Progress::read_usage("openai-chat", &usage)?);
        p.usage_final = true;
    }
    Ok(())
}
