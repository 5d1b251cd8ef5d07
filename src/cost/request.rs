//! Reading an `estimateCost` request (and what `BudgetLedger.record` is
//! given): the usage, the model, and how the call is bought.

use serde_json::Value;

use super::Usage;
use crate::catalogue::{token_count, Catalogue, Lifetime};
use crate::chat;
use crate::error::{Error, Result};

/// A call to price: the model, its usage, and the service tier it used.
#[derive(Clone, Debug, PartialEq)]
pub struct CostRequest {
    pub model: String,
    pub usage: Usage,
    pub service_tier: Option<String>,
}

/// Input tokens of a request given as `text` or `messages` (+ `tools`),
/// counted with the model's tokenizer (an estimate for non-public ones).
pub fn count_request_input(
    catalogue: &Catalogue,
    model: &str,
    request: &serde_json::Map<String, Value>,
    field: &str,
) -> Result<Option<u64>> {
    // At the top (no prefix) a key is its own path: `messages[0]`, not
    // `.messages[0]`.
    let p = if field.is_empty() {
        String::new()
    } else {
        format!("{field}.")
    };
    if let Some(messages) = request.get("messages").filter(|v| !v.is_null()) {
        let messages = chat::parse_messages(messages, &format!("{p}messages"))?;
        let tools = match request.get("tools") {
            None | Some(Value::Null) => Vec::new(),
            Some(t) => chat::parse_tools(t, &format!("{p}tools"))?,
        };
        let tokenizer = catalogue.tokenizer(model)?;
        return Ok(Some(
            chat::count_chat_tokens(&tokenizer, model, &messages, &tools)? as u64,
        ));
    }
    if let Some(text) = request.get("text").filter(|v| !v.is_null()) {
        let text = text
            .as_str()
            .ok_or_else(|| Error::invalid(format!("{p}text"), "must be a string"))?;
        return Ok(Some(catalogue.tokenizer(model)?.count_ordinary(text) as u64));
    }
    Ok(None)
}

fn optional_tokens(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<Option<u64>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .ok_or_else(|| Error::invalid(format!("{field}{key}"), "must be a number"))
            .and_then(|v| token_count(v, &format!("{field}{key}")))
            .map(Some),
        Some(v) => Err(Error::invalid(
            format!("{field}{key}"),
            format!(
                "must be a whole number of tokens, got {}",
                chat::type_name(v)
            ),
        )),
    }
}

fn optional_string(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<Option<String>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(Error::invalid(
            format!("{field}{key}"),
            format!("must be a string, got {}", chat::type_name(v)),
        )),
    }
}

const KNOWN: [&str; 17] = [
    "model",
    "inputTokens",
    "outputTokens",
    "cachedInputTokens",
    "cacheWriteTokens",
    "cacheWriteTtl",
    "cacheWrite1hTokens",
    "reasoningTokens",
    "batch",
    "serviceTier",
    "text",
    "messages",
    "tools",
    // usageFromResponse's output carries its format; it feeds straight in.
    "format",
    // And meterStream's its source, completeness and unread events.
    "source",
    "complete",
    "malformedEvents",
];

/// Reads an `estimateCost` request: `{ model, inputTokens | text | messages
/// (+ tools), outputTokens, cachedInputTokens?, cacheWriteTokens?,
/// cacheWriteTtl?, cacheWrite1hTokens?, reasoningTokens?, batch?,
/// serviceTier? }`. Fields are reported under `field` (`usage.inputTokens`),
/// or bare at the top.
pub fn usage_from_json(catalogue: &Catalogue, value: &Value, field: &str) -> Result<CostRequest> {
    let obj = value.as_object().ok_or_else(|| {
        Error::invalid(
            // At the top (no prefix) the value is the whole request.
            if field.is_empty() { "request" } else { field },
            format!("must be an object, got {}", chat::type_name(value)),
        )
    })?;
    let p = if field.is_empty() {
        String::new()
    } else {
        format!("{field}.")
    };
    if let Some(k) = obj.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(Error::invalid(
            format!("{p}{k}"),
            format!("is not a known field (known: {})", KNOWN.join(", ")),
        ));
    }
    let model = match obj.get("model") {
        Some(Value::String(m)) => m.clone(),
        _ => {
            return Err(Error::invalid(
                format!("{p}model"),
                "is required (a model id string)",
            ))
        }
    };
    let counted = count_request_input(catalogue, &model, obj, field)?;
    let given = optional_tokens(obj, "inputTokens", &p)?;
    let input_tokens = match (given, counted) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                format!("{p}inputTokens"),
                "give inputTokens or text/messages, not both",
            ))
        }
        (Some(n), None) | (None, Some(n)) => n,
        (None, None) => {
            return Err(Error::invalid(
                format!("{p}inputTokens"),
                "is required (or text, or messages)",
            ))
        }
    };
    let ttl = optional_string(obj, "cacheWriteTtl", &p)?
        .map(|t| Lifetime::parse(&t, &format!("{p}cacheWriteTtl")))
        .transpose()?;
    let batch = match obj.get("batch") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Error::invalid(format!("{p}batch"), "must be a boolean")),
    };
    let usage = Usage {
        input_tokens,
        output_tokens: optional_tokens(obj, "outputTokens", &p)?.unwrap_or(0),
        cached_input_tokens: optional_tokens(obj, "cachedInputTokens", &p)?.unwrap_or(0),
        cache_write_tokens: optional_tokens(obj, "cacheWriteTokens", &p)?.unwrap_or(0),
        cache_write_ttl: ttl,
        cache_write_1h_tokens: optional_tokens(obj, "cacheWrite1hTokens", &p)?,
        reasoning_tokens: optional_tokens(obj, "reasoningTokens", &p)?.unwrap_or(0),
        batch,
    };
    usage.validate()?;
    Ok(CostRequest {
        model,
        usage,
        service_tier: optional_string(obj, "serviceTier", &p)?,
    })
}
