//! OpenAI Chat Completions chunks (`object: "chat.completion.chunk"`), which
//! OpenRouter and most OpenAI-compatible hosts (Workers AI's
//! `/v1/chat/completions` among them) also send. With
//! `stream_options.include_usage` the last chunk before `data: [DONE]` has
//! empty `choices` and the usage of the whole request (the others a null
//! `usage`); OpenRouter sends its usage in the last chunk too. The usage is
//! read as a whole reply's (`usage::FORMATS`, "openai-chat").

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::count::Kind;
use super::{sse::Event, Malformed, Progress, StreamFormat};

pub const FORMAT: StreamFormat = StreamFormat {
    name: "openai-chat",
    detect: |e| {
        e.get("object").and_then(Value::as_str) == Some("chat.completion.chunk")
            || e.get("choices").is_some_and(Value::is_array)
    },
    read,
};

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow)]
    choices: Option<Vec<Choice<'a>>>,
    usage: Option<Map<String, Value>>,
    error: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(default)]
    index: u64,
    #[serde(borrow)]
    delta: Option<Delta<'a>>,
    #[serde(borrow)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow)]
    refusal: Option<Cow<'a, str>>,
    /// OpenRouter's and DeepSeek's reasoning text.
    #[serde(borrow)]
    reasoning: Option<Cow<'a, str>>,
    #[serde(borrow)]
    reasoning_content: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tool_calls: Option<Vec<ToolCall<'a>>>,
}

#[derive(Deserialize)]
struct ToolCall<'a> {
    #[serde(default)]
    index: u64,
    #[serde(borrow)]
    function: Option<Function<'a>>,
}

#[derive(Deserialize)]
struct Function<'a> {
    #[serde(borrow)]
    arguments: Option<Cow<'a, str>>,
}

fn read(p: &mut Progress, event: &Event<'_>) -> Result<(), Malformed> {
    let chunk: Chunk<'_> = serde_json::from_str(event.data)?;
    if let Some(model) = chunk.model {
        if p.model.as_deref() != Some(&model) {
            p.model = Some(model.into_owned());
        }
    }
    for choice in chunk.choices.unwrap_or_default() {
        let i = choice.index;
        if choice.finish_reason.as_deref() == Some("error") {
            p.failed = true;
        }
        let Some(delta) = choice.delta else { continue };
        for text in [delta.content, delta.refusal].into_iter().flatten() {
            p.output.push((Kind::Text, i, 0), &text);
        }
        for text in [delta.reasoning, delta.reasoning_content]
            .into_iter()
            .flatten()
        {
            p.output.push((Kind::Reasoning, i, 0), &text);
        }
        for call in delta.tool_calls.unwrap_or_default() {
            if let Some(args) = call.function.and_then(|f| f.arguments) {
                p.output.push((Kind::ToolArguments, i, call.index), &args);
            }
        }
    }
    if chunk.error.is_some() {
        p.failed = true;
    }
    if let Some(usage) = chunk.usage {
        p.usage = Some(Progress::read_usage("openai-chat", &usage)?);
        p.usage_final = true;
    }
    Ok(())
}
