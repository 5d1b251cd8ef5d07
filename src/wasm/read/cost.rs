//! Reading an `estimateCost` request (and what `BudgetLedger.record` is
//! given) into the core's typed call: its model, usage and service tier.
//! The fields and their messages are the JS API's.

use serde_json::{Map, Value};

use crate::catalogue::{token_count, Catalogue, Lifetime};
use crate::chat;
use crate::cost::{CostRequest, Input, Usage};
use crate::error::{Error, Result};

/// The input a request gives as `text` or `messages` (+ `tools`), if any.
pub fn input(request: &Map<String, Value>, field: &str) -> Result<Option<Input>> {
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
        return Ok(Some(Input::Chat { messages, tools }));
    }
    if let Some(text) = request.get("text").filter(|v| !v.is_null()) {
        let text = text
            .as_str()
            .ok_or_else(|| Error::invalid(format!("{p}text"), "must be a string"))?;
        return Ok(Some(Input::Text(text.to_string())));
    }
    Ok(None)
}

/// The request's input tokens: `inputTokens`, or its `input` (its text or
/// messages, read by [`input`]) counted for `model`; one of the two is
/// required.
pub fn input_tokens(
    catalogue: &Catalogue,
    model: &str,
    obj: &Map<String, Value>,
    field: &str,
    input: Option<&Input>,
    required: &str,
) -> Result<u64> {
    let p = if field.is_empty() {
        String::new()
    } else {
        format!("{field}.")
    };
    let given = optional_tokens(obj, "inputTokens", &p)?;
    match (given, input) {
        (Some(_), Some(_)) => Err(Error::invalid(
            format!("{p}inputTokens"),
            "give inputTokens or text/messages, not both",
        )),
        (Some(n), None) => Ok(n),
        (None, Some(input)) => input.tokens(catalogue, model),
        (None, None) => Err(Error::invalid(format!("{p}inputTokens"), required)),
    }
}

pub fn optional_tokens(obj: &Map<String, Value>, key: &str, field: &str) -> Result<Option<u64>> {
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

fn optional_string(obj: &Map<String, Value>, key: &str, field: &str) -> Result<Option<String>> {
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
    // The text or messages are read first: their errors come before a
    // conflict with inputTokens.
    let given_input = input(obj, field)?;
    let input_tokens = input_tokens(
        catalogue,
        &model,
        obj,
        field,
        given_input.as_ref(),
        "is required (or text, or messages)",
    )?;
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
