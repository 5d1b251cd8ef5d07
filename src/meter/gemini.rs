//! Gemini `streamGenerateContent?alt=sse`: each event is a whole
//! `GenerateContentResponse` with the next piece of each candidate's parts
//! (`text`, `thought: true` for thought summaries, `functionCall` whole) and
//! `usageMetadata` with the counts so far; the last chunk (the one with a
//! `finishReason`) has the final counts. There is no `[DONE]`. The usage is
//! read as a whole reply's (`usage::FORMATS`, "gemini").

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::count::Kind;
use super::{sse::Event, Malformed, Progress, StreamFormat};

pub const FORMAT: StreamFormat = StreamFormat {
    name: "gemini",
    detect: |e| e.contains_key("candidates") || e.contains_key("usageMetadata"),
    read,
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Chunk<'a> {
    #[serde(borrow)]
    candidates: Option<Vec<Candidate<'a>>>,
    usage_metadata: Option<Map<String, Value>>,
    model_version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Candidate<'a> {
    #[serde(default)]
    index: u64,
    #[serde(borrow)]
    content: Option<Content<'a>>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Content<'a> {
    #[serde(borrow)]
    parts: Option<Vec<Part<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Part<'a> {
    #[serde(borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(default)]
    thought: bool,
    function_call: Option<FunctionCall>,
}

#[derive(Deserialize)]
struct FunctionCall {
    args: Option<Value>,
}

fn read(p: &mut Progress, event: &Event<'_>) -> Result<(), Malformed> {
    let chunk: Chunk<'_> = serde_json::from_str(event.data)?;
    if chunk.model_version.is_some() {
        p.model = chunk.model_version;
    }
    for candidate in chunk.candidates.unwrap_or_default() {
        let i = candidate.index;
        for part in candidate.content.and_then(|c| c.parts).unwrap_or_default() {
            if let Some(text) = part.text {
                let kind = if part.thought {
                    Kind::Reasoning
                } else {
                    Kind::Text
                };
                p.output.push((kind, i, 0), &text);
            }
            if let Some(args) = part.function_call.and_then(|f| f.args) {
                p.output.whole(Kind::ToolArguments, &args.to_string());
            }
        }
        if candidate.finish_reason.is_some() {
            p.ended = true;
        }
    }
    if let Some(meta) = chunk.usage_metadata {
        p.usage = Some(Progress::read_usage("gemini", &meta)?);
    }
    // The counts are final once a candidate has finished.
    p.usage_final = p.ended && p.usage.is_some();
    Ok(())
}
