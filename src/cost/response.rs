//! Usage read from a provider's reply, normalised to tokenmeter's token
//! conventions (see the parent module).

use serde_json::Value;

use super::Usage;
use crate::catalogue::token_count;
use crate::chat;
use crate::error::{Error, Result};

/// A provider reply's usage, normalised to tokenmeter's conventions.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseUsage {
    /// `openai-chat`, `openai-responses`, `anthropic` or `gemini`.
    pub format: &'static str,
    pub model: Option<String>,
    pub usage: Usage,
}

/// Normalises the `usage` of an OpenAI Chat Completions or Responses reply,
/// an Anthropic Messages reply or a Gemini reply (`usageMetadata`). Accepts
/// the whole reply body or just its usage object.
pub fn usage_from_response(body: &Value) -> Result<ResponseUsage> {
    let obj = body.as_object().ok_or_else(|| {
        Error::invalid(
            "body",
            format!("must be a reply object, got {}", chat::type_name(body)),
        )
    })?;
    let model = obj
        .get("model")
        .or_else(|| obj.get("modelVersion"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let n = |v: Option<&Value>, field: &str| -> Result<u64> {
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
    };
    if let Some(meta) = obj
        .get("usageMetadata")
        .or_else(|| obj.get("promptTokenCount").map(|_| body))
    {
        // Gemini: promptTokenCount includes cached content; thinking is
        // billed as output.
        let g = |k: &str| n(meta.get(k), &format!("usageMetadata.{k}"));
        let thoughts = g("thoughtsTokenCount")?;
        let usage = Usage {
            input_tokens: g("promptTokenCount")? + g("toolUsePromptTokenCount")?,
            output_tokens: g("candidatesTokenCount")? + thoughts,
            cached_input_tokens: g("cachedContentTokenCount")?,
            reasoning_tokens: thoughts,
            ..Usage::default()
        };
        usage.validate()?;
        return Ok(ResponseUsage {
            format: "gemini",
            model,
            usage,
        });
    }
    let u = obj.get("usage").unwrap_or(body);
    let get = |k: &str| u.get(k);
    if get("prompt_tokens").is_some() || get("completion_tokens").is_some() {
        let cached = n(
            u.pointer("/prompt_tokens_details/cached_tokens"),
            "usage.prompt_tokens_details.cached_tokens",
        )?;
        let usage = Usage {
            input_tokens: n(get("prompt_tokens"), "usage.prompt_tokens")?,
            output_tokens: n(get("completion_tokens"), "usage.completion_tokens")?,
            cached_input_tokens: cached,
            reasoning_tokens: n(
                u.pointer("/completion_tokens_details/reasoning_tokens"),
                "usage.completion_tokens_details.reasoning_tokens",
            )?,
            ..Usage::default()
        };
        usage.validate()?;
        return Ok(ResponseUsage {
            format: "openai-chat",
            model,
            usage,
        });
    }
    if get("cache_creation_input_tokens").is_some()
        || get("cache_read_input_tokens").is_some()
        || obj.get("type").and_then(Value::as_str) == Some("message")
    {
        // Anthropic: input_tokens excludes cache reads and writes.
        let read = n(
            get("cache_read_input_tokens"),
            "usage.cache_read_input_tokens",
        )?;
        let write = n(
            get("cache_creation_input_tokens"),
            "usage.cache_creation_input_tokens",
        )?;
        let one_hour = match u.pointer("/cache_creation/ephemeral_1h_input_tokens") {
            None => None,
            Some(v) => Some(n(
                Some(v),
                "usage.cache_creation.ephemeral_1h_input_tokens",
            )?),
        };
        let usage = Usage {
            input_tokens: n(get("input_tokens"), "usage.input_tokens")? + read + write,
            output_tokens: n(get("output_tokens"), "usage.output_tokens")?,
            cached_input_tokens: read,
            cache_write_tokens: write,
            cache_write_1h_tokens: one_hour,
            ..Usage::default()
        };
        usage.validate()?;
        return Ok(ResponseUsage {
            format: "anthropic",
            model,
            usage,
        });
    }
    if get("input_tokens").is_some() || get("output_tokens").is_some() {
        // OpenAI Responses API.
        let usage = Usage {
            input_tokens: n(get("input_tokens"), "usage.input_tokens")?,
            output_tokens: n(get("output_tokens"), "usage.output_tokens")?,
            cached_input_tokens: n(
                u.pointer("/input_tokens_details/cached_tokens"),
                "usage.input_tokens_details.cached_tokens",
            )?,
            reasoning_tokens: n(
                u.pointer("/output_tokens_details/reasoning_tokens"),
                "usage.output_tokens_details.reasoning_tokens",
            )?,
            ..Usage::default()
        };
        usage.validate()?;
        return Ok(ResponseUsage {
            format: "openai-responses",
            model,
            usage,
        });
    }
    Err(Error::invalid(
        "body",
        "has no usage this function knows (OpenAI usage.prompt_tokens or usage.input_tokens, Anthropic usage.cache_*_input_tokens, Gemini usageMetadata)",
    ))
}
