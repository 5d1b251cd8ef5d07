//! The OpenAI Responses API's semantic events (`type: "response.*"`). The
//! stream ends with `response.completed`, `response.incomplete` (the output
//! limit was reached) or `response.failed`, each carrying the whole
//! response, whose `usage` is read as a whole reply's
//! (`usage::FORMATS`, "openai-responses"). There is no `[DONE]`.

use super::count::Kind;
use super::event::{Event, Field};
use super::{Malformed, Progress, StreamFormat};

pub const FORMAT: StreamFormat = StreamFormat {
    name: "openai-responses",
    detect: |e| {
        e.kind
            .as_ref()
            .is_some_and(|t| t.as_str().starts_with("response."))
    },
    read,
};

fn read(p: &mut Progress, e: Event<'_>) -> Result<(), Malformed> {
    let kind = e
        .kind
        .as_ref()
        .and_then(|k| k.0.as_deref())
        .ok_or(Malformed)?;
    let (o, c) = (e.output_index.unwrap_or(0), e.content_index.unwrap_or(0));
    let delta = match &e.delta {
        Some(Field::Text(t)) => t.as_ref(),
        _ => "",
    };
    match kind {
        "response.output_text.delta" | "response.refusal.delta" => {
            p.output.push((Kind::Text, o, c), delta)
        }
        "response.reasoning_text.delta" => p.output.push((Kind::Reasoning, o, c), delta),
        "response.reasoning_summary_text.delta" => {
            let s = u64::MAX - c;
            p.output.push((Kind::Reasoning, o, s), delta)
        }
        "response.function_call_arguments.delta"
        | "response.custom_tool_call_input.delta"
        | "response.mcp_call_arguments.delta" => p.output.push((Kind::ToolArguments, o, 0), delta),
        "response.completed" | "response.incomplete" | "response.failed" => {
            p.ended = true;
            p.failed |= kind == "response.failed";
        }
        "error" => p.failed = true,
        _ => {}
    }
    if let Some(Field::Part(response)) = e.response {
        p.set_model(response.model.as_deref());
        if let Some(usage) = response.usage.filter(|_| p.ended) {
            p.usage = Some(Progress::read_usage("openai-responses", &usage)?);
            p.usage_final = true;
        }
    }
    Ok(())
}
