//! Reading a `projectCost` / `compareModels` workload into the core's typed
//! [`Workload`], naming any bad field as the JS API names it.

use serde_json::{Map, Value};

use super::cost::{input, input_tokens};
use crate::catalogue::{token_count, whole_count, Catalogue, Lifetime};
use crate::chat::type_name;
use crate::error::{Error, Result};
use crate::projection::Workload;

const KNOWN: [&str; 20] = [
    "model",
    "requestsPerDay",
    "dailyUsers",
    "messagesPerUser",
    "days",
    "inputTokens",
    "outputTokens",
    "reasoningTokens",
    "appCacheHitRate",
    "cachedPrefixTokens",
    "cacheWriteTtl",
    "cacheWritesPerDay",
    "batchShare",
    "serviceTier",
    "embeddingModel",
    "embeddingTokensPerRequest",
    "text",
    "messages",
    "tools",
    "pricing",
];

/// Reads a workload object. Its text or messages are counted for its model
/// (and kept, so that a comparison counts them for each model).
pub fn workload(catalogue: &Catalogue, value: &Value) -> Result<Workload> {
    let obj = value.as_object().ok_or_else(|| {
        Error::invalid(
            "workload",
            format!("must be an object, got {}", type_name(value)),
        )
    })?;
    if let Some(k) = obj.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(Error::invalid(
            k.as_str(),
            format!("is not a workload field (known: {})", KNOWN.join(", ")),
        ));
    }
    let model = obj
        .get("model")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::invalid("model", "is required (a model id string)"))?
        .to_string();
    let (requests_per_day_micro, daily_users) = requests(obj)?;
    let days = days(obj)?;
    let given_input = input(obj, "")?;
    let input_tokens = input_tokens(
        catalogue,
        &model,
        obj,
        "",
        given_input.as_ref(),
        "is required (average per request), or text or messages",
    )?;
    let (output_tokens, reasoning_tokens) = output(obj)?;
    let cached_prefix_tokens = tokens(obj, "cachedPrefixTokens")?.unwrap_or(0);
    if cached_prefix_tokens > input_tokens {
        return Err(Error::invalid(
            "cachedPrefixTokens",
            "exceeds inputTokens, which counts the cached prefix too",
        ));
    }
    Ok(Workload {
        input: given_input,
        model,
        requests_per_day_micro,
        daily_users,
        days,
        input_tokens,
        output_tokens,
        reasoning_tokens,
        app_cache_hit_micro: rate(obj, "appCacheHitRate")?.unwrap_or(0),
        cached_prefix_tokens,
        cache_write_ttl: cache_write_ttl(obj)?,
        cache_writes_per_day: tokens(obj, "cacheWritesPerDay")?,
        batch_share_micro: rate(obj, "batchShare")?.unwrap_or(0),
        service_tier: service_tier(obj)?,
        embedding_model: embedding_model(obj)?,
        embedding_tokens_per_request: tokens(obj, "embeddingTokensPerRequest")?.unwrap_or(0),
    })
}

fn service_tier(obj: &Map<String, Value>) -> Result<Option<String>> {
    match obj.get("serviceTier") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(t)) => Ok(Some(t.clone())),
        Some(v) => Err(Error::invalid(
            "serviceTier",
            format!("must be a service tier name, got {}", type_name(v)),
        )),
    }
}

/// A number given in millionths: non-negative, finite, at most `max`.
fn micro(v: &Value, field: &str, max: f64) -> Result<u128> {
    let x = v
        .as_f64()
        .ok_or_else(|| Error::invalid(field, format!("must be a number, got {}", type_name(v))))?;
    if !x.is_finite() || x < 0.0 || x > max {
        return Err(Error::invalid(
            field,
            format!("must be a number from 0 to {max}, got {x}"),
        ));
    }
    Ok((x * 1e6).round() as u128)
}

/// A share from 0 to 1, in millionths.
fn rate(obj: &Map<String, Value>, key: &str) -> Result<Option<u128>> {
    obj.get(key)
        .filter(|v| !v.is_null())
        .map(|v| micro(v, key, 1.0))
        .transpose()
}

fn tokens(obj: &Map<String, Value>, key: &str) -> Result<Option<u64>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            let x = v.as_f64().ok_or_else(|| {
                Error::invalid(key, format!("must be a number, got {}", type_name(v)))
            })?;
            token_count(x, key).map(Some)
        }
    }
}

/// Requests per day (in millionths), from `requestsPerDay` or from
/// `dailyUsers` x `messagesPerUser`; and the users, for per-user figures.
fn requests(obj: &Map<String, Value>) -> Result<(u128, Option<u64>)> {
    match (obj.get("requestsPerDay"), obj.get("dailyUsers")) {
        (Some(r), None) => Ok((micro(r, "requestsPerDay", 1e12)?, None)),
        (None, Some(_)) => {
            let users = tokens(obj, "dailyUsers")?.unwrap_or(0);
            let per_user = obj
                .get("messagesPerUser")
                .ok_or_else(|| Error::invalid("messagesPerUser", "is required with dailyUsers"))?;
            let per_day = u128::from(users)
                .checked_mul(micro(per_user, "messagesPerUser", 1e6)?)
                .ok_or_else(|| Error::invalid("dailyUsers", "is too large to price"))?;
            Ok((per_day, Some(users)))
        }
        (Some(_), Some(_)) => Err(Error::invalid(
            "requestsPerDay",
            "give requestsPerDay or dailyUsers x messagesPerUser, not both",
        )),
        (None, None) => Err(Error::invalid(
            "requestsPerDay",
            "is required (or dailyUsers and messagesPerUser)",
        )),
    }
}

fn days(obj: &Map<String, Value>) -> Result<u64> {
    let days = match obj.get("days") {
        None | Some(Value::Null) => 30,
        Some(v) => {
            let x = v.as_f64().ok_or_else(|| {
                Error::invalid("days", format!("must be a number, got {}", type_name(v)))
            })?;
            whole_count(x, "days", "days")?
        }
    };
    if days == 0 || days > 36_600 {
        return Err(Error::invalid("days", "must be from 1 to 36600"));
    }
    Ok(days)
}

/// Output tokens per request (required), and the reasoning part of them.
fn output(obj: &Map<String, Value>) -> Result<(u64, u64)> {
    let output = tokens(obj, "outputTokens")?
        .ok_or_else(|| Error::invalid("outputTokens", "is required (average per request)"))?;
    let reasoning = tokens(obj, "reasoningTokens")?.unwrap_or(0);
    if reasoning > output {
        return Err(Error::invalid(
            "reasoningTokens",
            "exceeds outputTokens, which counts reasoning too",
        ));
    }
    Ok((output, reasoning))
}

fn cache_write_ttl(obj: &Map<String, Value>) -> Result<Option<Lifetime>> {
    match obj.get("cacheWriteTtl") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(t)) => Lifetime::parse(t, "cacheWriteTtl").map(Some),
        Some(v) => Err(Error::invalid(
            "cacheWriteTtl",
            format!(
                "must be a cache lifetime such as \"5m\", got {}",
                type_name(v)
            ),
        )),
    }
}

fn embedding_model(obj: &Map<String, Value>) -> Result<Option<String>> {
    match obj.get("embeddingModel") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(m)) => Ok(Some(m.clone())),
        Some(_) => Err(Error::invalid(
            "embeddingModel",
            "must be a model id string",
        )),
    }
}
