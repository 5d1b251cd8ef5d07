//! Pre-flight checks: before a chat request is sent, does it fit the model's
//! window and output limit, and the caller's budget? And a cache key for
//! exact-match response caching.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::catalogue::{self, Model};
use crate::chat;
use crate::cost::{self, Pico, Pricing, Usage};
use crate::error::{Error, Result};
use crate::tokens;

/// A spending budget: the limit and what is already spent, in USD.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Budget {
    pub limit_pico: Pico,
    pub spent_pico: Pico,
}

impl Budget {
    pub fn from_usd(limit: f64, spent: f64) -> Result<Budget> {
        Ok(Budget {
            limit_pico: cost::pico_from_usd(limit, "budget.limitUsd")?,
            spent_pico: cost::pico_from_usd(spent, "budget.spentUsd")?,
        })
    }
}

/// One reason a request should not be sent as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// `CONTEXT_OVERFLOW`, `OUTPUT_EXCEEDS_MODEL_MAX`, `BUDGET_EXCEEDED` or
    /// `UNKNOWN_MODEL`.
    pub code: &'static str,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Preflight {
    pub ok: bool,
    pub model: String,
    /// `None` when the model is unknown.
    pub input_tokens: Option<u64>,
    /// Whether `input_tokens` is exact (false for estimated tokenizers).
    pub exact: bool,
    pub max_output_tokens: Option<u64>,
    pub context_window: Option<u64>,
    /// Cost with no output, and with the whole output allowance used.
    pub cost_min: Option<Pico>,
    pub cost_max: Option<Pico>,
    pub problems: Vec<Problem>,
}

fn whole(v: &Value, field: &str) -> Result<u64> {
    let x = v.as_f64().ok_or_else(|| {
        Error::invalid(
            field,
            format!("must be a number, got {}", chat::type_name(v)),
        )
    })?;
    catalogue::token_count(x, field)
}

/// Checks an OpenAI-style chat request (`model`, `messages`, `tools`,
/// `max_tokens` / `max_completion_tokens`). Malformed requests are errors;
/// requests that are well formed but would fail or overspend come back with
/// `ok: false` and the problems.
pub fn preflight(
    request: &Value,
    budget: Option<Budget>,
    pricing: Option<&Pricing>,
) -> Result<Preflight> {
    let obj = request.as_object().ok_or_else(|| {
        Error::invalid(
            "request",
            format!(
                "must be a chat request object, got {}",
                chat::type_name(request)
            ),
        )
    })?;
    let model = match obj.get("model") {
        Some(Value::String(m)) => m.clone(),
        _ => {
            return Err(Error::invalid(
                "request.model",
                "is required (a model id string)",
            ))
        }
    };
    let messages = chat::parse_messages(
        obj.get("messages")
            .ok_or_else(|| Error::invalid("request.messages", "is required"))?,
        "request.messages",
    )?;
    let tools = match obj.get("tools") {
        None | Some(Value::Null) => Vec::new(),
        Some(t) => chat::parse_tools(t, "request.tools")?,
    };
    let requested_output = match obj.get("max_completion_tokens").filter(|v| !v.is_null()) {
        Some(v) => Some(whole(v, "request.max_completion_tokens")?),
        None => obj
            .get("max_tokens")
            .filter(|v| !v.is_null())
            .map(|v| whole(v, "request.max_tokens"))
            .transpose()?,
    };
    let mut out = Preflight {
        ok: false,
        model: model.clone(),
        input_tokens: None,
        exact: false,
        max_output_tokens: requested_output,
        context_window: None,
        cost_min: None,
        cost_max: None,
        problems: Vec::new(),
    };
    let info = match tokens::tokenizer_info(&model) {
        Ok(info) => info,
        Err(e) => {
            out.problems.push(Problem {
                code: "UNKNOWN_MODEL",
                message: e.message().to_string(),
            });
            return Ok(out);
        }
    };
    let input = chat::count_chat_tokens(&model, &messages, &tools)? as u64;
    out.input_tokens = Some(input);
    out.exact = info.exact;
    let entry: Option<Model> = catalogue::get_model(&model);
    let Some(entry) = entry else {
        // tiktoken knows the model (so it counts), the catalogue does not
        // (so there is no window or price) unless the caller priced it.
        out.problems.push(Problem {
            code: "UNKNOWN_MODEL",
            message: format!(
                "{model} is not in the catalogue: no context window or output limit to check"
            ),
        });
        if let Some(p) = pricing {
            let output = requested_output.unwrap_or(0);
            out.cost_min = Some(
                cost::estimate_cost(
                    &Usage {
                        input_tokens: input,
                        ..Usage::default()
                    },
                    p,
                )?
                .total,
            );
            out.cost_max = Some(
                cost::estimate_cost(
                    &Usage {
                        input_tokens: input,
                        output_tokens: output,
                        ..Usage::default()
                    },
                    p,
                )?
                .total,
            );
        }
        return Ok(out);
    };
    let window = entry.context_window;
    let max_output =
        requested_output.unwrap_or(entry.max_output_tokens.min(window.saturating_sub(input)));
    out.context_window = Some(window);
    out.max_output_tokens = Some(max_output);
    if max_output > entry.max_output_tokens {
        out.problems.push(Problem {
            code: "OUTPUT_EXCEEDS_MODEL_MAX",
            message: format!(
                "{max_output} output tokens requested; {model} writes at most {}",
                entry.max_output_tokens
            ),
        });
    }
    if input.saturating_add(max_output) > window {
        out.problems.push(Problem {
            code: "CONTEXT_OVERFLOW",
            message: format!(
                "{input} input + {max_output} output tokens = {} exceed {model}'s {window}-token window by {}",
                input.saturating_add(max_output),
                input.saturating_add(max_output) - window
            ),
        });
    }
    let pricing = cost::pricing_for(&model, pricing)?;
    let min = cost::estimate_cost(
        &Usage {
            input_tokens: input,
            ..Usage::default()
        },
        &pricing,
    )?
    .total;
    let max = cost::estimate_cost(
        &Usage {
            input_tokens: input,
            output_tokens: max_output,
            ..Usage::default()
        },
        &pricing,
    )?
    .total;
    out.cost_min = Some(min);
    out.cost_max = Some(max);
    if let Some(b) = budget {
        if b.spent_pico + max > b.limit_pico {
            out.problems.push(Problem {
                code: "BUDGET_EXCEEDED",
                message: format!(
                    "spent ${:.6} + up to ${:.6} for this request exceeds the ${:.6} budget",
                    cost::usd(b.spent_pico),
                    cost::usd(max),
                    cost::usd(b.limit_pico)
                ),
            });
        }
    }
    out.ok = out.problems.is_empty();
    Ok(out)
}

/// Whether a top-level request field is part of [`request_cache_key`]'s
/// key: everything but the fields that do not change the answer.
pub fn in_cache_key(field: &str) -> bool {
    !NOT_IN_KEY.contains(&field)
}

/// Request fields that do not change the answer, left out of the cache key.
const NOT_IN_KEY: &[&str] = &[
    "stream",
    "stream_options",
    "user",
    "metadata",
    "store",
    "service_tier",
    "safety_identifier",
    "prompt_cache_key",
];

/// A deterministic key for exact-match response caching: the SHA-256 (hex)
/// of the canonical JSON (sorted keys, no whitespace) of everything in the
/// request that can change the answer. `None` when the answer is sampled
/// (temperature above 0, or unset, which defaults to 1) unless `force`.
pub fn request_cache_key(request: &Value, force: bool) -> Result<Option<String>> {
    let obj = request.as_object().ok_or_else(|| {
        Error::invalid(
            "request",
            format!("must be a request object, got {}", chat::type_name(request)),
        )
    })?;
    if !matches!(obj.get("model"), Some(Value::String(_))) {
        return Err(Error::invalid(
            "request.model",
            "is required (a model id string)",
        ));
    }
    let temperature = match obj.get("temperature") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_f64()
                .filter(|t| t.is_finite() && *t >= 0.0)
                .ok_or_else(|| {
                    Error::invalid("request.temperature", "must be a non-negative number")
                })?,
        ),
    };
    if !force && temperature != Some(0.0) {
        return Ok(None);
    }
    let mut kept = Map::new();
    for (k, v) in obj {
        if in_cache_key(k) {
            kept.insert(k.clone(), v.clone());
        }
    }
    let mut canonical = String::new();
    write_canonical(&Value::Object(kept), &mut canonical, 0)?;
    let digest = Sha256::digest(canonical.as_bytes());
    Ok(Some(digest.iter().map(|b| format!("{b:02x}")).collect()))
}

fn write_canonical(v: &Value, out: &mut String, depth: usize) -> Result<()> {
    if depth > 128 {
        return Err(Error::invalid(
            "request",
            "is nested more than 128 levels deep",
        ));
    }
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(value) = map.get(k) {
                    write_canonical(value, out, depth + 1)?;
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out, depth + 1)?;
            }
            out.push(']');
        }
        // 1 and 1.0 are the same number to the API.
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                out.push_str(&format!("{}", f as i64))
            }
            _ => out.push_str(&n.to_string()),
        },
        other => out.push_str(&other.to_string()),
    }
    Ok(())
}
