//! Gemini (`generateContent`, and each chunk of `streamGenerateContent`):
//! `usageMetadata`. `promptTokenCount` includes cached content; thinking is
//! billed as output but reported apart from it.

use serde_json::{Map, Value};

use super::{tokens, Format};
use crate::cost::Usage;
use crate::error::Result;

pub const FORMAT: Format = Format {
    name: "gemini",
    detect: |reply| reply.contains_key("usageMetadata") || reply.contains_key("promptTokenCount"),
    read,
};

fn read(reply: &Map<String, Value>) -> Result<Usage> {
    let meta = reply
        .get("usageMetadata")
        .and_then(Value::as_object)
        .unwrap_or(reply);
    let g = |k: &str| tokens(meta.get(k), &format!("usageMetadata.{k}"));
    let thoughts = g("thoughtsTokenCount")?;
    Ok(Usage {
        input_tokens: g("promptTokenCount")? + g("toolUsePromptTokenCount")?,
        output_tokens: g("candidatesTokenCount")? + thoughts,
        cached_input_tokens: g("cachedContentTokenCount")?,
        reasoning_tokens: thoughts,
        ..Usage::default()
    })
}
