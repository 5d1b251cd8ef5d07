//! The OpenAI Responses API's semantic events (`type: "response.*"`). The
//! stream ends with `response.completed`, `response.incomplete` (the output
//! limit was reached) or `response.failed`, each carrying the whole
//! response, whose `usage` is read as a whole reply's
//! (`usage::FORMATS`, "openai-responses"). There is no `[DONE]`.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::count::Kind;
use super::{sse::Event, Malformed, Progress, StreamFormat};

pub const FORMAT: StreamFormat = StreamFormat {
    name: "openai-responses",
    detect: |e| {
        e.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.starts_with("response."))
    },
    read,
};

#[derive(Deserialize)]
struct Ev<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    delta: Option<Cow<'a, str>>,
    #[serde(default)]
    output_index: u64,
    #[serde(default)]
    content_index: u64,
    #[serde(default)]
    summary_index: u64,
    response: Option<Response>,
}

#[derive(Deserialize)]
struct Response {
    model: Option<String>,
    usage: Option<Map<String, Value>>,
}

fn read(p: &mut Progress, event: &Event<'_>) -> Result<(), Malformed> {
    let ev: Ev<'_> = serde_json::from_str(event.data)?;
    let (o, c) = (ev.output_index, ev.content_index);
    let delta = ev.delta.as_deref().unwrap_or("");
    match ev.kind.as_ref() {
        "response.output_text.delta" | "response.refusal.delta" => {
            p.output.push((Kind::Text, o, c), delta)
        }
        "response.reasoning_text.delta" => p.output.push((Kind::Reasoning, o, c), delta),
        "response.reasoning_summary_text.delta" => p
            .output
            .push((Kind::Reasoning, o, u64::MAX - ev.summary_index), delta),
        "response.function_call_arguments.delta"
        | "response.custom_tool_call_input.delta"
        | "response.mcp_call_arguments.delta" => p.output.push((Kind::ToolArguments, o, 0), delta),
        "response.completed" | "response.incomplete" | "response.failed" => {
            p.ended = true;
            p.failed |= ev.kind == "response.failed";
        }
        "error" => p.failed = true,
        _ => {}
    }
    if let Some(response) = ev.response {
        if response.model.is_some() {
            p.model = response.model;
        }
        if let Some(usage) = response.usage.filter(|_| p.ended) {
            p.usage = Some(Progress::read_usage("openai-responses", &usage)?);
            p.usage_final = true;
        }
    }
    Ok(())
}
