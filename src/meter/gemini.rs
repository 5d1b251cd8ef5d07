//! Gemini `streamGenerateContent?alt=sse`: each event is a whole
//! `GenerateContentResponse` with the next piece of each candidate's parts
//! (`text`, `thought: true` for thought summaries, `functionCall` whole) and
//! `usageMetadata` with the counts so far; the last chunk (the one with a
//! `finishReason`) has the final counts. There is no `[DONE]`. The usage is
//! read as a whole reply's (`usage::FORMATS`, "gemini").

use super::count::Kind;
use super::event::Event;
use super::{Malformed, Progress, StreamFormat};

pub const FORMAT: StreamFormat = StreamFormat {
    name: "gemini",
    detect: |e| e.candidates.is_some() || e.usage_metadata.is_some(),
    read,
};

fn read(p: &mut Progress, e: Event<'_>) -> Result<(), Malformed> {
    if e.candidates.is_none() && e.usage_metadata.is_none() {
        return Err(Malformed);
    }
    p.set_model(e.model.as_ref().map(|m| m.as_str()));
    for candidate in e.candidates.unwrap_or_default() {
        let i = candidate.index.unwrap_or(0);
        for part in candidate.content.and_then(|c| c.parts).unwrap_or_default() {
            if let Some(text) = part.text {
                let kind = if part.thought == Some(true) {
                    Kind::Reasoning
                } else {
                    Kind::Text
                };
                p.output.push((kind, i, 0), text.as_str());
            }
            if let Some((_, args)) = part.function_call.and_then(|f| f.arguments()) {
                p.output.whole(Kind::ToolArguments, &args);
            }
        }
        if candidate.finish_reason.is_some() {
            p.ended = true;
        }
    }
    if let Some(meta) = e.usage_metadata {
        p.usage = Some(Progress::read_usage("gemini", &meta)?);
    }
    // The counts are final once a candidate has finished.
    p.usage_final = p.ended && p.usage.is_some();
    Ok(())
}
