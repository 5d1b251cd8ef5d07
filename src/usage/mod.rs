//! Usage as the providers report it, read into tokenmeter's conventions
//! (`cost::Usage`: input counts every prompt token, cache reads and writes
//! included; output counts every output token, reasoning included).
//!
//! Each provider format has its own reader; [`FORMATS`] says how each is
//! recognised. The order of the table matters, and says why: a reply is
//! read by the first format that recognises it.

mod anthropic;
mod gemini;
mod openai_chat;
mod openai_responses;

use serde_json::{Map, Value};

use crate::catalogue::token_count;
use crate::chat;
use crate::cost::Usage;
use crate::error::{Error, Result};

/// A provider reply's usage, normalised to tokenmeter's conventions.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseUsage {
    /// The format's name (see [`FORMATS`]).
    pub format: &'static str,
    pub model: Option<String>,
    pub usage: Usage,
}

/// One provider's way of reporting usage.
pub struct Format {
    pub name: &'static str,
    /// Whether a reply (or its bare usage object) is in this format.
    pub detect: fn(&Map<String, Value>) -> bool,
    /// Its usage, from the reply (or the bare usage object).
    pub read: fn(&Map<String, Value>) -> Result<Usage>,
}

/// The formats, in the order they are tried:
/// * Gemini first: its `usageMetadata` is unambiguous, and a bare Gemini
///   usage object has `promptTokenCount`, which no other format uses.
/// * OpenAI Chat Completions before Anthropic: `prompt_tokens` only appears
///   there (OpenRouter and most OpenAI-compatible hosts answer in it).
/// * Anthropic before the Responses API: both name `input_tokens`, and only
///   Anthropic has the `cache_*_input_tokens` fields or `type: "message"`.
pub const FORMATS: [Format; 4] = [
    gemini::FORMAT,
    openai_chat::FORMAT,
    anthropic::FORMAT,
    openai_responses::FORMAT,
];

/// Normalises the usage of an OpenAI Chat Completions or Responses reply,
/// an Anthropic Messages reply or a Gemini reply. Accepts the whole reply
/// body or just its usage object.
pub fn usage_from_response(body: &Value) -> Result<ResponseUsage> {
    let obj = body.as_object().ok_or_else(|| {
        Error::invalid(
            "body",
            format!("must be a reply object, got {}", chat::type_name(body)),
        )
    })?;
    let format = FORMATS.iter().find(|f| (f.detect)(obj)).ok_or_else(|| {
        Error::invalid(
            "body",
            "has no usage this function knows (OpenAI usage.prompt_tokens or usage.input_tokens, Anthropic usage.cache_*_input_tokens, Gemini usageMetadata)",
        )
    })?;
    let usage = (format.read)(obj)?;
    usage.validate()?;
    Ok(ResponseUsage {
        format: format.name,
        model: obj
            .get("model")
            .or_else(|| obj.get("modelVersion"))
            .and_then(Value::as_str)
            .map(str::to_string),
        usage,
    })
}

/// A reply's `usage` object, or the reply itself when it is a bare usage.
fn usage_object(reply: &Map<String, Value>) -> &Map<String, Value> {
    reply
        .get("usage")
        .and_then(Value::as_object)
        .unwrap_or(reply)
}

/// A token count at `field` (its path, for the error): absent or null is 0.
fn tokens(v: Option<&Value>, field: &str) -> Result<u64> {
    match v {
        None | Some(Value::Null) => Ok(0),
        Some(v) => v
            .as_f64()
            .ok_or_else(|| {
                Error::invalid(
                    field,
                    format!("must be a number, got {}", chat::type_name(v)),
                )
            })
            .and_then(|x| token_count(x, field)),
    }
}

/// The count at a `/`-separated path of an object, named `usage.` + path.
fn at(usage: &Map<String, Value>, path: &str) -> Result<u64> {
    let mut v: Option<&Value> = None;
    let mut map = Some(usage);
    for step in path.split('/') {
        v = map.and_then(|m| m.get(step));
        map = v.and_then(Value::as_object);
    }
    tokens(v, &format!("usage.{}", path.replace('/', ".")))
}
