//! Cloudflare Workers AI's own stream (`env.AI.run(model, { stream: true })`
//! and the REST `/ai/run/` endpoint): `data: {"response": "..."}` events,
//! tool calls as `tool_calls` (`{ name, arguments }`, or OpenAI's
//! `{ index, function: { arguments } }` in pieces), a last event with a
//! `usage` object in OpenAI's shape (`prompt_tokens`, `completion_tokens`),
//! then `data: [DONE]`. Its `/v1/chat/completions` endpoint sends OpenAI
//! chunks instead, read as "openai-chat".

use super::count::Kind;
use super::event::{Event, Field};
use super::{Malformed, Progress, StreamFormat};

pub const FORMAT: StreamFormat = StreamFormat {
    name: "workers-ai",
    detect: |e| {
        e.choices.is_none()
            && (matches!(e.response, Some(Field::Text(_))) || e.tool_calls.is_some())
    },
    read,
};

fn read(p: &mut Progress, e: Event<'_>) -> Result<(), Malformed> {
    if e.response.is_none() && e.tool_calls.is_none() && e.usage.is_none() {
        return Err(Malformed);
    }
    if let Some(Field::Text(text)) = &e.response {
        p.output.push((Kind::Text, 0, 0), text);
    }
    for call in e.tool_calls.unwrap_or_default() {
        match call.arguments() {
            // A piece of the arguments of the call at `index`.
            Some((Some(i), args)) => p.output.push((Kind::ToolArguments, 0, i), &args),
            // Whole arguments.
            Some((None, args)) => p.output.whole(Kind::ToolArguments, &args),
            None => {}
        }
    }
    if let Some(usage) = e.usage {
        p.usage = Some(Progress::read_usage("openai-chat", &usage)?);
        p.usage_final = true;
    }
    Ok(())
}
