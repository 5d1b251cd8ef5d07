//! Pre-flight checks: before a chat request is sent, does it fit the model's
//! window and output limit, and the caller's budget? And a cache key for
//! exact-match response caching.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::catalogue::{token_count, Catalogue, Model, PriceList, Status, WindowScope};
use crate::chat;
use crate::cost::{self, Pico, PriceQuery, Usage};
use crate::error::{Error, Result};
use crate::time::Instant;

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

/// Why a request should not be sent as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProblemCode {
    /// Neither the catalogue nor tiktoken knows the model, or only tiktoken
    /// does (so there is no window or price to check).
    UnknownModel,
    /// The model was shut down: the provider would refuse the request.
    ModelRetired,
    /// Input and output do not fit the window, or the input passes its cap.
    ContextOverflow,
    /// More output asked for than the model writes.
    OutputExceedsModelMax,
    /// The request's worst-case cost would pass the budget.
    BudgetExceeded,
}

impl ProblemCode {
    /// The stable spelling (a JavaScript `problems[i].code`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::UnknownModel => "UNKNOWN_MODEL",
            ProblemCode::ModelRetired => "MODEL_RETIRED",
            ProblemCode::ContextOverflow => "CONTEXT_OVERFLOW",
            ProblemCode::OutputExceedsModelMax => "OUTPUT_EXCEEDS_MODEL_MAX",
            ProblemCode::BudgetExceeded => "BUDGET_EXCEEDED",
        }
    }
}

/// One reason a request should not be sent as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub code: ProblemCode,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preflight {
    pub ok: bool,
    pub model: String,
    /// `None` when the model is unknown.
    pub input_tokens: Option<u64>,
    /// Whether `input_tokens` is exact (false for estimated tokenizers).
    pub exact: bool,
    pub max_output_tokens: Option<u64>,
    pub context_window: Option<u64>,
    /// The most input tokens this request may carry (the window less the
    /// output allowed, where they share it, and the model's input cap).
    pub input_limit: Option<u64>,
    /// Cost with no output, and with the whole output allowance used.
    pub cost_min: Option<Pico>,
    pub cost_max: Option<Pico>,
    pub problems: Vec<Problem>,
    /// What does not stop the request but should be known (a deprecated
    /// model, a service tier the catalogue does not price).
    pub warnings: Vec<String>,
}

impl Preflight {
    /// Whether the request fits the window, its input cap and the model's
    /// output limit.
    pub fn fits(&self) -> bool {
        !self
            .problems
            .iter()
            .any(|p| p.code == ProblemCode::ContextOverflow)
    }

    fn problem(&mut self, code: ProblemCode, message: String) {
        self.problems.push(Problem { code, message });
    }
}

fn whole(v: &Value, field: &str) -> Result<u64> {
    let x = v.as_f64().ok_or_else(|| {
        Error::invalid(
            field,
            format!("must be a number, got {}", chat::type_name(v)),
        )
    })?;
    token_count(x, field)
}

/// The parts of a chat request that preflight reads.
struct ChatRequest {
    model: String,
    messages: Vec<chat::Message>,
    tools: Vec<chat::Tool>,
    requested_output: Option<u64>,
    service_tier: Option<String>,
}

fn read_request(request: &Value) -> Result<ChatRequest> {
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
    // OpenAI's `service_tier`; "auto" and "default" are the standard prices.
    let service_tier = obj
        .get("service_tier")
        .and_then(Value::as_str)
        .filter(|t| !matches!(*t, "auto" | "default" | "standard"))
        .map(str::to_string);
    Ok(ChatRequest {
        model,
        messages,
        tools,
        requested_output,
        service_tier,
    })
}

/// What the request costs with no output and with `max_output` of output.
fn cost_range(
    catalogue: &Catalogue,
    req: &ChatRequest,
    input: u64,
    max_output: u64,
    pricing: Option<&PriceList>,
    at: Instant,
    out: &mut Preflight,
) -> Result<(Pico, Pico)> {
    let mut tier = req.service_tier.as_deref();
    if let (Some(name), None) = (tier, pricing) {
        let known = catalogue.get(&req.model).is_some_and(|m| {
            m.price_list(at)
                .list
                .service_tier_names()
                .any(|n| n == name)
        });
        if !known {
            out.warnings.push(format!(
                "service_tier {name:?} is not priced for {}: standard prices used",
                req.model
            ));
            tier = None;
        }
    }
    let q = PriceQuery {
        at,
        service_tier: tier,
    };
    let usage = |output_tokens| Usage {
        input_tokens: input,
        output_tokens,
        ..Usage::default()
    };
    let max = cost::estimate_cost(catalogue, &req.model, &usage(max_output), &q, pricing)?;
    let min = cost::estimate_cost(catalogue, &req.model, &usage(0), &q, pricing)?;
    out.warnings.extend(max.warnings);
    Ok((min.total, max.total))
}

/// Checks an OpenAI-style chat request (`model`, `messages`, `tools`,
/// `max_tokens` / `max_completion_tokens`, `service_tier`) as it would be
/// sent at `at`. Malformed requests are errors; requests that are well
/// formed but would fail or overspend come back with `ok: false` and the
/// problems.
pub fn preflight(
    catalogue: &Catalogue,
    request: &Value,
    budget: Option<Budget>,
    pricing: Option<&PriceList>,
    at: Instant,
) -> Result<Preflight> {
    let req = read_request(request)?;
    let mut out = Preflight {
        model: req.model.clone(),
        max_output_tokens: req.requested_output,
        ..Preflight::default()
    };
    let info = match catalogue.tokenizer_info(&req.model) {
        Ok(info) => info,
        Err(e) => {
            out.problem(ProblemCode::UnknownModel, e.message().to_string());
            return Ok(out);
        }
    };
    let tokenizer = catalogue.tokenizer(&req.model)?;
    let input = chat::count_chat_tokens(&tokenizer, &req.model, &req.messages, &req.tools)? as u64;
    out.input_tokens = Some(input);
    out.exact = info.exact;
    let max_output = match catalogue.get(&req.model) {
        Some(entry) => check_limits(entry, &req, input, at, &mut out),
        None => {
            // tiktoken knows the model (so it counts), the catalogue does not
            // (so there is no window or price) unless the caller priced it.
            out.problem(
                ProblemCode::UnknownModel,
                format!(
                    "{} is not in the catalogue: no context window or output limit to check",
                    req.model
                ),
            );
            if pricing.is_none() {
                return Ok(out);
            }
            req.requested_output.unwrap_or(0)
        }
    };
    let (min, max) = cost_range(catalogue, &req, input, max_output, pricing, at, &mut out)?;
    out.cost_min = Some(min);
    out.cost_max = Some(max);
    if let Some(b) = budget {
        if b.spent_pico + max > b.limit_pico {
            out.problem(
                ProblemCode::BudgetExceeded,
                format!(
                    "spent ${:.6} + up to ${:.6} for this request exceeds the ${:.6} budget",
                    cost::usd(b.spent_pico),
                    cost::usd(max),
                    cost::usd(b.limit_pico)
                ),
            );
        }
    }
    out.ok = out.problems.is_empty();
    Ok(out)
}

/// The window, input cap, output limit and lifecycle checks of a known
/// model. Returns the output the request may produce.
fn check_limits(m: &Model, req: &ChatRequest, input: u64, at: Instant, out: &mut Preflight) -> u64 {
    let shared = m.window_scope == WindowScope::InputAndOutput;
    let room = if shared {
        m.context_window.saturating_sub(input)
    } else {
        u64::MAX
    };
    let max_output = req
        .requested_output
        .unwrap_or(m.max_output_tokens.min(room));
    out.context_window = Some(m.context_window);
    out.max_output_tokens = Some(max_output);
    out.input_limit = Some(m.input_limit(max_output));
    if m.status(at) == Status::Retired {
        out.problem(
            ProblemCode::ModelRetired,
            format!(
                "{} was shut down on {}{}",
                m.id,
                m.lifecycle
                    .shutdown
                    .map_or(String::from("?"), |d| d.to_string()),
                m.lifecycle
                    .replacement
                    .as_ref()
                    .map_or(String::new(), |r| format!("; the provider recommends {r}"))
            ),
        );
    }
    if max_output > m.max_output_tokens {
        out.problem(
            ProblemCode::OutputExceedsModelMax,
            format!(
                "{max_output} output tokens requested; {} writes at most {}",
                m.id, m.max_output_tokens
            ),
        );
    }
    let total = input.saturating_add(max_output);
    if shared && total > m.context_window {
        out.problem(
            ProblemCode::ContextOverflow,
            format!(
                "{input} input + {max_output} output tokens = {total} exceed {}'s {}-token window by {}",
                m.id,
                m.context_window,
                total - m.context_window
            ),
        );
    } else if !shared && input > m.context_window {
        out.problem(
            ProblemCode::ContextOverflow,
            format!(
                "{input} input tokens exceed {}'s {}-token input window by {}",
                m.id,
                m.context_window,
                input - m.context_window
            ),
        );
    }
    if let Some(cap) = m.max_input_tokens.filter(|&cap| input > cap) {
        out.problem(
            ProblemCode::ContextOverflow,
            format!(
                "{input} input tokens exceed {}'s input cap of {cap} by {}",
                m.id,
                input - cap
            ),
        );
    }
    max_output
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
