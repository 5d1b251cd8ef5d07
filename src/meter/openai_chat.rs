//! OpenAI Chat Completions chunks (`object: "chat.completion.chunk"`), which
//! OpenRouter and most OpenAI-compatible hosts (Workers AI's
//! `/v1/chat/completions` among them) also send. With
//! `stream_options.include_usage` the last chunk before `data: [DONE]` has
//! empty `choices` and the usage of the whole request (the others a null
//! `usage`); OpenRouter sends its usage in the last chunk too. The usage is
//! read as a whole reply's (`usage::FORMATS`, "openai-chat").

use super::count::Kind;
use super::event::Event;
use super::{Malformed, Progress, StreamFormat};

pub const FORMAT: StreamFormat = StreamFormat {
    name: "openai-chat",
    detect: |e| {
        e.object
            .as_ref()
            .is_some_and(|o| o.as_str() == "chat.completion.chunk")
            || e.choices.is_some()
    },
    read,
};

fn read(p: &mut Progress, e: Event<'_>) -> Result<(), Malformed> {
    if e.choices.is_none() && e.usage.is_none() && e.error.is_none() {
        return Err(Malformed);
    }
    p.set_model(e.model.as_ref().map(|m| m.as_str()));
    for choice in e.choices.unwrap_or_default() {
        let i = choice.index.unwrap_or(0);
        if choice.finish_reason.is_some_and(|r| r.as_str() == "error") {
            p.failed = true;
        }
        let Some(delta) = choice.delta else { continue };
        for text in [delta.content, delta.refusal].into_iter().flatten() {
            p.output.push((Kind::Text, i, 0), text.as_str());
        }
        if let Some(text) = delta.reasoning {
            p.output.push((Kind::Reasoning, i, 0), text.as_str());
        }
        for call in delta.tool_calls.unwrap_or_default() {
            if let Some((index, args)) = call.arguments() {
                p.output
                    .push((Kind::ToolArguments, i, index.unwrap_or(0)), &args);
            }
        }
    }
    if e.error.is_some() {
        p.failed = true;
    }
    if let Some(usage) = e.usage {
        p.usage = Some(Progress::read_usage("openai-chat", &usage)?);
        p.usage_final = true;
    }
    Ok(())
}
