//! Monthly projections of a workload, and the same workload priced on every
//! model.
//!
//! Request counts and rates may be fractional (2.5 messages per user, a 30%
//! cache hit rate), so they are kept as integers in millionths, and each cost
//! is one exact product divided once at the end.

use crate::catalogue::{Applied, Catalogue, Lifetime, Model, PriceList, Prices, WindowScope};
use crate::cost::{self, Input, Pico, Usage};
use crate::error::{Error, ErrorCode, Result};
use crate::time::Instant;

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
    /// The lifetime of the prefix's cache writes (`None`: the shortest the
    /// model prices).
    pub cache_write_ttl: Option<Lifetime>,
    /// How often per day the prefix is written (a cache miss). Default: the
    /// worst case for the TTL, a write every TTL (288 a day for 5 minutes,
    /// 24 for 1 hour), never more than the requests that reach the model.
    pub cache_writes_per_day: Option<u64>,
    /// Share of model requests sent through the batch API, in millionths.
    pub batch_share_micro: u128,
    /// A service tier the model prices ("flex", "priority" ...), for every
    /// request; `None`: standard.
    pub service_tier: Option<String>,
    pub embedding_model: Option<String>,
    pub embedding_tokens_per_request: u64,
    /// When the workload was given as text or messages, the input, so that
    /// each model counts it with its own tokenizer.
    pub input: Option<Input>,
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
    pub warnings: Vec<String>,
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

impl Workload {
    /// One request a day for 30 days of `input` and `output_tokens` on
    /// `model`, nothing cached or batched: the fields are public, to set
    /// the rest.
    pub fn new(
        catalogue: &Catalogue,
        model: &str,
        input: Input,
        output_tokens: u64,
    ) -> Result<Workload> {
        let input_tokens = input.tokens(catalogue, model)?;
        Ok(Workload {
            model: model.to_string(),
            requests_per_day_micro: MICRO,
            daily_users: None,
            days: 30,
            input_tokens,
            output_tokens,
            reasoning_tokens: 0,
            app_cache_hit_micro: 0,
            cached_prefix_tokens: 0,
            cache_write_ttl: None,
            cache_writes_per_day: None,
            batch_share_micro: 0,
            service_tier: None,
            embedding_model: None,
            embedding_tokens_per_request: 0,
            input: match input {
                Input::Tokens(_) => None,
                other => Some(other),
            },
        })
    }

    /// The same workload on another model; text and messages are recounted
    /// with that model's tokenizer.
    pub fn on_model(&self, catalogue: &Catalogue, model: &str) -> Result<Workload> {
        let mut w = self.clone();
        w.model = model.to_string();
        if let Some(input) = &self.input {
            w.input_tokens = input.tokens(catalogue, model)?;
        }
        Ok(w)
    }
}

/// How the provider's prompt cache serves a workload's requests.
struct CacheSplit {
    /// Model requests per day that read the cached prefix, in millionths.
    reads_micro: u128,
    /// Model requests per day that write it (a miss), in millionths.
    writes_micro: u128,
    /// The prefix each of them reads or writes.
    prefix: u64,
}

/// Reads and writes of the cached prefix per day: a write every lifetime
/// (288 a day for 5 minutes, 24 for 1 hour, 2 for 12 hours) unless the
/// workload says how often, never more than the requests that reach the
/// model; nothing cached below the model's minimum cacheable prefix.
fn cache_split(
    w: &Workload,
    prices: &Prices,
    min_cacheable: Option<u64>,
    reach_micro: u128,
    warnings: &mut Vec<String>,
) -> Result<CacheSplit> {
    let uncached = CacheSplit {
        reads_micro: reach_micro,
        writes_micro: 0,
        prefix: 0,
    };
    if w.cached_prefix_tokens == 0 {
        return Ok(uncached);
    }
    if let Some(min) = min_cacheable.filter(|&m| w.cached_prefix_tokens < m) {
        warnings.push(format!(
            "{}: a cached prefix of {} tokens is below the {min} tokens the provider caches; no cache discount applied",
            w.model, w.cached_prefix_tokens
        ));
        return Ok(uncached);
    }
    let lifetime = w
        .cache_write_ttl
        .or_else(|| prices.cache_writes.first().map(|(l, _)| *l))
        .unwrap_or(Lifetime::FIVE_MINUTES);
    // The lifetime must be one the model prices (an error names those it does).
    prices.cache_write(Some(lifetime))?;
    let default_writes = u64::from((1440 / lifetime.minutes()).max(1));
    let writes = w.cache_writes_per_day.unwrap_or(default_writes);
    let writes_micro = mul(u128::from(writes), MICRO)?.min(reach_micro);
    Ok(CacheSplit {
        reads_micro: reach_micro - writes_micro,
        writes_micro,
        prefix: w.cached_prefix_tokens,
    })
}

/// The model's cost over the period, split by kind: (requests in
/// millionths a day) x (cost of one request), standard and batch traffic,
/// all over MICRO^2, then times the days.
fn llm_breakdown(w: &Workload, applied: &Applied, split: &CacheSplit) -> Result<Breakdown> {
    let call = |cached: u64, written: u64, batch: bool| {
        let usage = Usage {
            input_tokens: w.input_tokens,
            output_tokens: w.output_tokens,
            cached_input_tokens: cached,
            cache_write_tokens: written,
            cache_write_ttl: w.cache_write_ttl,
            cache_write_1h_tokens: None,
            reasoning_tokens: w.reasoning_tokens,
            batch,
        };
        cost::cost_at(&usage, &applied.prices)
    };
    let batch = w.batch_share_micro.min(MICRO);
    let p = split.prefix;
    let mut llm = Breakdown::default();
    for (count_micro, cached, written) in [(split.reads_micro, p, 0), (split.writes_micro, 0, p)] {
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
    Ok(llm)
}

/// Every request is embedded, cache hits included (the lookup needs the
/// embedding), at the embedding model's input price.
fn embedding_cost(catalogue: &Catalogue, w: &Workload, at: Instant) -> Result<Pico> {
    let Some(m) = &w.embedding_model else {
        return Ok(0);
    };
    let price = catalogue
        .model(m)
        .map_err(|e| e.at_field("embeddingModel"))?
        .price_list(at)
        .list
        .prices
        .input;
    let per_request = mul(
        u128::from(w.embedding_tokens_per_request),
        u128::from(price.0),
    )?;
    Ok(mul(
        mul(per_request, w.requests_per_day_micro)?,
        u128::from(w.days),
    )? / MICRO)
}

/// The cost of `workload` over its period, at the prices in force at `at`
/// (or at `pricing`, which replaces the catalogue's).
pub fn project_cost(
    catalogue: &Catalogue,
    workload: &Workload,
    pricing: Option<&PriceList>,
    at: Instant,
) -> Result<Projection> {
    let w = workload;
    let entry = catalogue.get(&w.model);
    let tier = w.service_tier.as_deref();
    let (applied, mut warnings) = match (pricing, entry) {
        (Some(list), _) => (list.apply(w.input_tokens, at, tier)?, Vec::new()),
        (None, Some(m)) => m.prices_at(w.input_tokens, at, tier)?,
        (None, None) => return Err(catalogue.unknown_model(&w.model)),
    };
    let reach_micro = mul(
        w.requests_per_day_micro,
        MICRO - w.app_cache_hit_micro.min(MICRO),
    )? / MICRO;
    let min_cacheable = entry.and_then(|m| m.min_cacheable_tokens);
    let split = cache_split(
        w,
        &applied.prices,
        min_cacheable,
        reach_micro,
        &mut warnings,
    )?;
    let llm = llm_breakdown(w, &applied, &split)?;
    let embeddings = embedding_cost(catalogue, w, at)?;
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
        warnings,
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
    pub skipped: Vec<Skipped>,
    /// The baseline's total, `None` when the workload does not fit it.
    pub baseline_total: Option<Pico>,
}

/// A model a comparison left out, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    pub model: String,
    pub reason: String,
    /// The encoding this build lacks to count the workload's text, where
    /// that is the reason.
    pub missing_encoding: Option<&'static str>,
}

/// Why `workload` (already on `model`) cannot run on `model`, if it cannot.
fn misfit(model: &Model, w: &Workload) -> Option<String> {
    if w.output_tokens > model.max_output_tokens {
        return Some(format!(
            "outputs {} tokens, the model's maximum is {}",
            w.output_tokens, model.max_output_tokens
        ));
    }
    let limit = model.input_limit(w.output_tokens);
    if w.input_tokens > limit {
        let why = match model.window_scope {
            WindowScope::InputAndOutput => format!(
                "needs {} tokens, the window is {}",
                w.input_tokens.saturating_add(w.output_tokens),
                model.context_window
            ),
            WindowScope::Input => format!(
                "reads {} tokens, the input window is {}",
                w.input_tokens, model.context_window
            ),
        };
        return Some(match model.max_input_tokens {
            Some(cap) if cap == limit => {
                format!("reads {} tokens, input is capped at {cap}", w.input_tokens)
            }
            _ => why,
        });
    }
    None
}

/// The models a comparison prices: those named (an unknown one fails at
/// `models[i]`), else every chat and reasoning model in service at `at`.
fn candidates<'c>(
    catalogue: &'c Catalogue,
    named: Option<&[String]>,
    at: Instant,
) -> Result<Vec<&'c Model>> {
    match named {
        Some(ids) => ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                catalogue
                    .model(id)
                    .map_err(|e| e.at_field(format!("models[{i}]")))
            })
            .collect(),
        None => Ok(catalogue.current_chat_models(at).collect()),
    }
}

/// The baseline's total, `None` when the workload does not fit it (its
/// total is then no price anyone could pay). A baseline asked for by name
/// fails at `baseline`, not at the workload's `model`.
fn baseline_total(
    catalogue: &Catalogue,
    workload: &Workload,
    baseline: &str,
    named: bool,
    at: Instant,
) -> Result<Option<Pico>> {
    let as_baseline = |e: Error| match (named, e.field_name()) {
        (true, Some("model")) => e.at_field("baseline"),
        _ => e,
    };
    let base = workload
        .on_model(catalogue, baseline)
        .map_err(as_baseline)?;
    let total = project_cost(catalogue, &base, None, at)
        .map_err(as_baseline)?
        .total;
    Ok(catalogue
        .get(baseline)
        .filter(|m| misfit(m, &base).is_none())
        .map(|_| total))
}

/// Prices `workload` on every candidate (default: every chat and reasoning
/// model in service at `at`), cheapest first, against `baseline` (default:
/// the workload's model). Models whose window cannot hold a request, or
/// whose output limit is below the workload's output, are skipped with the
/// reason; so are models of the default list whose encoding this build
/// lacks (named ones fail, as counting with them does).
pub fn compare_models(
    catalogue: &Catalogue,
    workload: &Workload,
    named: Option<&[String]>,
    baseline: Option<&str>,
    at: Instant,
) -> Result<Comparison> {
    let models = candidates(catalogue, named, at)?;
    let base_name = baseline.unwrap_or(&workload.model).to_string();
    let base_total = baseline_total(catalogue, workload, &base_name, baseline.is_some(), at)?;
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for (i, m) in models.iter().enumerate() {
        let w = match workload.on_model(catalogue, &m.id) {
            Ok(w) => w,
            Err(e) if named.is_none() && e.code() == ErrorCode::EncodingNotBundled => {
                let why = e.message();
                let why = e
                    .field_name()
                    .and_then(|f| why.strip_prefix(f))
                    .and_then(|w| w.strip_prefix(": "))
                    .unwrap_or(why);
                skipped.push(Skipped {
                    model: m.id.clone(),
                    reason: format!("cannot count its text here: {why}"),
                    missing_encoding: e.encoding(),
                });
                continue;
            }
            Err(e) if named.is_some() && e.field_name() == Some("model") => {
                return Err(e.at_field(format!("models[{i}]")))
            }
            Err(e) => return Err(e),
        };
        if let Some(why) = misfit(m, &w) {
            skipped.push(Skipped {
                model: m.id.clone(),
                reason: why,
                missing_encoding: None,
            });
            continue;
        }
        let projection = project_cost(catalogue, &w, None, at)?;
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
        baseline: base_name,
        models: out,
        skipped,
        baseline_total: base_total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// 1,000 requests a day for 30 days, 1,000 input and 100 output tokens
    /// each, at explicit prices ($2 in, $10 out) with two service tiers.
    fn month(tier: Option<&str>) -> Result<Projection> {
        let c = Catalogue::bundled();
        let mut w = Workload::new(c, "any", Input::Tokens(1000), 100)?;
        w.requests_per_day_micro = 1000 * MICRO;
        w.service_tier = tier.map(str::to_string);
        let pricing = cost::pricing_from_json(
            &json!({
                "input": 2, "output": 10,
                "serviceTiers": { "priority": { "multiplier": 2 }, "flex": { "input": 1, "output": 5 } },
            }),
            "pricing",
        )?;
        let at = Instant::parse("2026-12-07T12:00:00Z", "at")?;
        project_cost(c, &w, Some(&pricing), at)
    }

    #[test]
    fn a_service_tier_prices_every_request() {
        // 30,000 requests: 30M input tokens and 3M output tokens.
        let usd = |p: &Projection| p.total as f64 / 1e12;
        assert_eq!(usd(&month(None).unwrap()), 30.0 * 2.0 + 3.0 * 10.0);
        assert_eq!(usd(&month(Some("priority")).unwrap()), 2.0 * 90.0);
        assert_eq!(usd(&month(Some("flex")).unwrap()), 30.0 * 1.0 + 3.0 * 5.0);
        let e = month(Some("ultrafast")).unwrap_err();
        assert_eq!(e.field_name(), Some("serviceTier"), "{e}");
    }
}
