//! Monthly projections of a workload, and the same workload priced on every
//! model.
//!
//! Request counts and rates may be fractional (2.5 messages per user, a 30%
//! cache hit rate), so they are kept as integers in millionths, and each cost
//! is one exact product divided once at the end.

use serde_json::{Map, Value};

use crate::catalogue::{self, Model};
use crate::chat;
use crate::cost::{self, CacheTtl, Pico, Pricing, Usage};
use crate::error::{Error, ErrorCode, Result};

/// 10^6: the denominator of counts and rates kept in millionths.
const MICRO: u128 = 1_000_000;

/// A workload: how many requests, how big, how cached.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    pub model: String,
    /// Requests per day, in millionths.
    pub requests_per_day_micro: u128,
    /// When given as users x messages: the users, for per-user figures.
    pub daily_users: Option<u64>,
    pub days: u64,
    /// Average tokens per request.
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub reasoning_tokens: u64,
    /// Share of requests answered by the application's own cache (never
    /// reaching the model), in millionths.
    pub app_cache_hit_micro: u128,
    /// Tokens of the prompt prefix the provider caches, per request.
    pub cached_prefix_tokens: u64,
    pub cache_write_ttl: CacheTtl,
    /// How often per day the prefix is written (a cache miss). Default: the
    /// worst case for the TTL, a write every TTL (288 a day for 5 minutes,
    /// 24 for 1 hour), never more than the requests that reach the model.
    pub cache_writes_per_day: Option<u64>,
    /// Share of model requests sent through the batch API, in millionths.
    pub batch_share_micro: u128,
    pub embedding_model: Option<String>,
    pub embedding_tokens_per_request: u64,
    /// When the workload was given as text or messages, the request, so
    /// that each model counts it with its own tokenizer.
    pub request: Option<Map<String, Value>>,
}

/// A cost in pico-dollars, split by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Breakdown {
    pub input: Pico,
    pub cached_input: Pico,
    pub cache_write: Pico,
    pub output: Pico,
    pub total: Pico,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    pub model: String,
    pub days: u64,
    pub input_tokens: u64,
    /// Requests over the period, in millionths.
    pub requests_micro: u128,
    pub requests_to_model_micro: u128,
    pub llm: Breakdown,
    pub embeddings: Pico,
    pub total: Pico,
    pub per_request: Pico,
    pub per_day: Pico,
    pub per_user: Option<Pico>,
}

fn overflow() -> Error {
    Error::invalid(
        "workload",
        "is too large to price (keep requests x tokens x days below 10^20)",
    )
}

fn mul(a: u128, b: u128) -> Result<u128> {
    a.checked_mul(b).ok_or_else(overflow)
}

/// A number given in millionths: non-negative, finite, at most `max`.
fn micro(v: &Value, field: &str, max: f64) -> Result<u128> {
    let x = v.as_f64().ok_or_else(|| {
        Error::invalid(
            field,
            format!("must be a number, got {}", chat::type_name(v)),
        )
    })?;
    if !x.is_finite() || x < 0.0 || x > max {
        return Err(Error::invalid(
            field,
            format!("must be a number from 0 to {max}, got {x}"),
        ));
    }
    Ok((x * 1e6).round() as u128)
}

fn tokens_field(obj: &Map<String, Value>, key: &str) -> Result<Option<u64>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            let x = v.as_f64().ok_or_else(|| {
                Error::invalid(key, format!("must be a number, got {}", chat::type_name(v)))
            })?;
            catalogue::token_count(x, key).map(Some)
        }
    }
}

impl Workload {
    /// Reads a `projectCost` workload object, naming any bad field.
    pub fn from_json(value: &Value) -> Result<Workload> {
        let obj = value.as_object().ok_or_else(|| {
            Error::invalid(
                "workload",
                format!("must be an object, got {}", chat::type_name(value)),
            )
        })?;
        const KNOWN: [&str; 19] = [
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
            "embeddingModel",
            "embeddingTokensPerRequest",
            "text",
            "messages",
            "tools",
            "pricing",
        ];
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
        let (requests_per_day_micro, daily_users) =
            match (obj.get("requestsPerDay"), obj.get("dailyUsers")) {
                (Some(r), None) => (micro(r, "requestsPerDay", 1e12)?, None),
                (None, Some(_)) => {
                    let users = tokens_field(obj, "dailyUsers")?.unwrap_or(0);
                    let per_user = obj.get("messagesPerUser").ok_or_else(|| {
                        Error::invalid("messagesPerUser", "is required with dailyUsers")
                    })?;
                    (
                        mul(u128::from(users), micro(per_user, "messagesPerUser", 1e6)?)?,
                        Some(users),
                    )
                }
                (Some(_), Some(_)) => {
                    return Err(Error::invalid(
                        "requestsPerDay",
                        "give requestsPerDay or dailyUsers x messagesPerUser, not both",
                    ))
                }
                (None, None) => {
                    return Err(Error::invalid(
                        "requestsPerDay",
                        "is required (or dailyUsers and messagesPerUser)",
                    ))
                }
            };
        let days = match obj.get("days") {
            None | Some(Value::Null) => 30,
            Some(v) => {
                let x = v.as_f64().ok_or_else(|| {
                    Error::invalid(
                        "days",
                        format!("must be a number, got {}", chat::type_name(v)),
                    )
                })?;
                catalogue::whole_count(x, "days", "days")?
            }
        };
        if days == 0 || days > 36_600 {
            return Err(Error::invalid("days", "must be from 1 to 36600"));
        }
        let counted = cost::count_request_input(&model, obj, "")?;
        let input_tokens = match (tokens_field(obj, "inputTokens")?, counted) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "inputTokens",
                    "give inputTokens or text/messages, not both",
                ))
            }
            (Some(n), None) | (None, Some(n)) => n,
            (None, None) => {
                return Err(Error::invalid(
                    "inputTokens",
                    "is required (average per request), or text or messages",
                ))
            }
        };
        let output_tokens = tokens_field(obj, "outputTokens")?
            .ok_or_else(|| Error::invalid("outputTokens", "is required (average per request)"))?;
        let reasoning_tokens = tokens_field(obj, "reasoningTokens")?.unwrap_or(0);
        if reasoning_tokens > output_tokens {
            return Err(Error::invalid(
                "reasoningTokens",
                "exceeds outputTokens, which counts reasoning too",
            ));
        }
        let cached_prefix_tokens = tokens_field(obj, "cachedPrefixTokens")?.unwrap_or(0);
        if cached_prefix_tokens > input_tokens {
            return Err(Error::invalid(
                "cachedPrefixTokens",
                "exceeds inputTokens, which counts the cached prefix too",
            ));
        }
        let rate = |key: &str| {
            obj.get(key)
                .filter(|v| !v.is_null())
                .map(|v| micro(v, key, 1.0))
                .transpose()
        };
        let cache_write_ttl = match obj.get("cacheWriteTtl").and_then(Value::as_str) {
            None => CacheTtl::FiveMinutes,
            Some("5m") => CacheTtl::FiveMinutes,
            Some("1h") => CacheTtl::OneHour,
            Some(_) => return Err(Error::invalid("cacheWriteTtl", "must be \"5m\" or \"1h\"")),
        };
        let embedding_model = match obj.get("embeddingModel") {
            None | Some(Value::Null) => None,
            Some(Value::String(m)) => Some(m.clone()),
            Some(_) => {
                return Err(Error::invalid(
                    "embeddingModel",
                    "must be a model id string",
                ))
            }
        };
        let request =
            (obj.contains_key("text") || obj.contains_key("messages")).then(|| obj.clone());
        Ok(Workload {
            model,
            requests_per_day_micro,
            daily_users,
            days,
            input_tokens,
            output_tokens,
            reasoning_tokens,
            app_cache_hit_micro: rate("appCacheHitRate")?.unwrap_or(0),
            cached_prefix_tokens,
            cache_write_ttl,
            cache_writes_per_day: tokens_field(obj, "cacheWritesPerDay")?,
            batch_share_micro: rate("batchShare")?.unwrap_or(0),
            embedding_model,
            embedding_tokens_per_request: tokens_field(obj, "embeddingTokensPerRequest")?
                .unwrap_or(0),
            request,
        })
    }

    /// The same workload on another model; text and messages are recounted
    /// with that model's tokenizer.
    pub fn on_model(&self, model: &str) -> Result<Workload> {
        let mut w = self.clone();
        w.model = model.to_string();
        if let Some(req) = &self.request {
            if let Some(n) = cost::count_request_input(model, req, "")? {
                w.input_tokens = n;
            }
        }
        Ok(w)
    }
}

/// The cost of `workload` over its period.
pub fn project_cost(workload: &Workload, pricing: Option<&Pricing>) -> Result<Projection> {
    let w = workload;
    let pricing = cost::pricing_for(&w.model, pricing)?;
    let call = |cached: u64, written: u64, batch: bool| {
        cost::estimate_cost(
            &Usage {
                input_tokens: w.input_tokens,
                output_tokens: w.output_tokens,
                cached_input_tokens: cached,
                cache_write_tokens: written,
                cache_write_ttl: w.cache_write_ttl,
                cache_write_1h_tokens: None,
                reasoning_tokens: w.reasoning_tokens,
                batch,
            },
            &pricing,
        )
    };
    // Model requests per day, in millionths; then per period.
    let reach_micro = mul(
        w.requests_per_day_micro,
        MICRO - w.app_cache_hit_micro.min(MICRO),
    )? / MICRO;
    let default_writes = match w.cache_write_ttl {
        CacheTtl::FiveMinutes => 288,
        CacheTtl::OneHour => 24,
    };
    let writes_micro = if w.cached_prefix_tokens == 0 {
        0
    } else {
        mul(
            u128::from(w.cache_writes_per_day.unwrap_or(default_writes)),
            MICRO,
        )?
        .min(reach_micro)
    };
    let reads_micro = reach_micro - writes_micro;
    let prefix = w.cached_prefix_tokens;
    let batch = w.batch_share_micro.min(MICRO);
    let mut llm = Breakdown::default();
    // (requests in millionths of a request per day) x (cost of one request),
    // split between standard and batch traffic, all over MICRO^2.
    for (count_micro, cached, written) in [(reads_micro, prefix, 0), (writes_micro, 0, prefix)] {
        for (share, is_batch) in [(MICRO - batch, false), (batch, true)] {
            if share == 0 || count_micro == 0 {
                continue;
            }
            let c = call(cached, written, is_batch)?;
            let weight = mul(count_micro, share)?;
            llm.input += mul(c.input, weight)?;
            llm.cached_input += mul(c.cached_input, weight)?;
            llm.cache_write += mul(c.cache_write, weight)?;
            llm.output += mul(c.output, weight)?;
        }
    }
    let per_period =
        |x: Pico| -> Result<Pico> { Ok(mul(x, u128::from(w.days))? / (MICRO * MICRO)) };
    llm.input = per_period(llm.input)?;
    llm.cached_input = per_period(llm.cached_input)?;
    llm.cache_write = per_period(llm.cache_write)?;
    llm.output = per_period(llm.output)?;
    llm.total = llm.input + llm.cached_input + llm.cache_write + llm.output;
    let embeddings = match &w.embedding_model {
        None => 0,
        Some(m) => {
            let p = cost::pricing_for(m, None)?;
            // Every request is embedded, cache hits included (the lookup
            // needs the embedding).
            let per_request = mul(
                u128::from(w.embedding_tokens_per_request),
                u128::from(p.prices.input.0),
            )?;
            mul(
                mul(per_request, w.requests_per_day_micro)?,
                u128::from(w.days),
            )? / MICRO
        }
    };
    let total = llm.total + embeddings;
    let requests_micro = mul(w.requests_per_day_micro, u128::from(w.days))?;
    Ok(Projection {
        model: w.model.clone(),
        days: w.days,
        input_tokens: w.input_tokens,
        requests_micro,
        requests_to_model_micro: mul(reach_micro, u128::from(w.days))?,
        llm,
        embeddings,
        total,
        per_request: mul(total, MICRO)?.checked_div(requests_micro).unwrap_or(0),
        per_day: total / u128::from(w.days),
        per_user: w
            .daily_users
            .filter(|&u| u > 0)
            .map(|u| total / u128::from(u)),
    })
}

/// One model's line in a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Compared {
    pub projection: Projection,
    /// Baseline total minus this total (negative: dearer than the baseline);
    /// `None` when the workload does not fit the baseline, whose total is
    /// then no price anyone could pay.
    pub saving_vs_baseline: Option<i128>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub baseline: String,
    /// Cheapest first.
    pub models: Vec<Compared>,
    /// Models left out, with the reason (the workload does not fit them, or
    /// this build lacks the encoding to count its text for them).
    pub skipped: Vec<(String, String)>,
    /// The baseline's total, `None` when the workload does not fit it.
    pub baseline_total: Option<Pico>,
}

/// Why `workload` (already on `model`) cannot run on `model`, if it cannot.
fn misfit(model: &Model, w: &Workload) -> Option<String> {
    let needed = w.input_tokens.saturating_add(w.output_tokens);
    if needed > model.context_window {
        return Some(format!(
            "needs {needed} tokens, the window is {}",
            model.context_window
        ));
    }
    if w.output_tokens > model.max_output_tokens {
        return Some(format!(
            "outputs {} tokens, the model's maximum is {}",
            w.output_tokens, model.max_output_tokens
        ));
    }
    None
}

/// Prices `workload` on every candidate (default: every chat and reasoning
/// model of the catalogue), cheapest first, against `baseline` (default: the
/// workload's model). Models whose window cannot hold a request, or whose
/// output limit is below the workload's output, are skipped with the reason.
pub fn compare_models(
    workload: &Workload,
    candidates: Option<&[String]>,
    baseline: Option<&str>,
) -> Result<Comparison> {
    let models: Vec<Model> = match candidates {
        Some(ids) => ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                catalogue::get_model(id).ok_or_else(|| {
                    crate::tokens::unknown_model(id).at_field(format!("models[{i}]"))
                })
            })
            .collect::<Result<_>>()?,
        None => catalogue::list_models()
            .into_iter()
            .filter(|m| m.kind != "embedding")
            .collect(),
    };
    // A baseline asked for by name fails at `baseline`, not at the
    // workload's `model`.
    let as_baseline = |e: Error| match (baseline, e.field_name()) {
        (Some(_), Some("model")) => e.at_field("baseline"),
        _ => e,
    };
    let baseline = baseline.unwrap_or(&workload.model).to_string();
    let base = workload.on_model(&baseline).map_err(as_baseline)?;
    let base_total = project_cost(&base, None).map_err(as_baseline)?.total;
    // A baseline the workload does not fit has no saving to measure against.
    let base_total = catalogue::get_model(&baseline)
        .filter(|m| misfit(m, &base).is_none())
        .map(|_| base_total);
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for (i, m) in models.iter().enumerate() {
        let w = match workload.on_model(&m.id) {
            Ok(w) => w,
            // The default list spans every encoding; a build without this
            // model's leaves it out, saying which entry has it. A model asked
            // for by name fails as counting with it does.
            Err(e) if candidates.is_none() && e.code() == ErrorCode::EncodingNotBundled => {
                let why = e.message();
                let why = e
                    .field_name()
                    .and_then(|f| why.strip_prefix(f))
                    .and_then(|w| w.strip_prefix(": "))
                    .unwrap_or(why);
                skipped.push((m.id.clone(), format!("cannot count its text here: {why}")));
                continue;
            }
            Err(e) if candidates.is_some() && e.field_name() == Some("model") => {
                return Err(e.at_field(format!("models[{i}]")))
            }
            Err(e) => return Err(e),
        };
        if let Some(why) = misfit(m, &w) {
            skipped.push((m.id.clone(), why));
            continue;
        }
        let projection = project_cost(&w, None)?;
        let saving = base_total.map(|b| b as i128 - projection.total as i128);
        out.push(Compared {
            projection,
            saving_vs_baseline: saving,
        });
    }
    out.sort_by(|a, b| {
        a.projection
            .total
            .cmp(&b.projection.total)
            .then_with(|| a.projection.model.cmp(&b.projection.model))
    });
    Ok(Comparison {
        baseline,
        models: out,
        skipped,
        baseline_total: base_total,
    })
}
