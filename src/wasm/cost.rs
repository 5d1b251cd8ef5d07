//! The cost engine: estimateCost, usageFromResponse, projectCost,
//! compareModels, suggestModel.

use serde::Deserialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::catalogue::{instant, split_catalogue};
use super::convert::{entry_points_of, in_options, json, string, to_js, typed, JsResult, Json};
use crate::catalogue::{Catalogue, PriceList};
use crate::cost::{self, usd, Cost, CostRequest, PriceQuery};
use crate::error::Error;
use crate::projection::{self, Projection, Workload};
use crate::routing;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CostOptions {
    pricing: Option<Value>,
    at: Option<Value>,
}

/// A `pricing` override, read where the caller put it.
pub(super) fn pricing(value: Option<&Value>, field: &str) -> Result<Option<PriceList>, Error> {
    value
        .filter(|p| !p.is_null())
        .map(|p| cost::pricing_from_json(p, field))
        .transpose()
}

fn cost_json(model: &str, c: &Cost) -> Value {
    json!({
        "warnings": c.warnings,
        "serviceTier": c.service_tier,
        "timeWindow": c.time_window,
        "currency": "USD",
        "model": model,
        "input": usd(c.input),
        "cachedInput": usd(c.cached_input),
        "cacheWrite": usd(c.cache_write),
        "output": usd(c.output),
        "reasoning": usd(c.reasoning),
        "total": usd(c.total),
        "tierAboveInputTokens": c.tier_above_input_tokens,
    })
}

#[wasm_bindgen(js_name = estimateCost)]
pub fn estimate_cost(request: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let (catalogue, rest) = split_catalogue(&opts)?;
    let o: CostOptions = typed(&rest, "options")?;
    let pricing = pricing(o.pricing.as_ref(), "options.pricing")?;
    let at = instant(o.at.as_ref(), "options.at")?;
    let call = usage(&catalogue, &json(&request, "request")?, "")?;
    let q = PriceQuery {
        at,
        service_tier: call.service_tier.as_deref(),
    };
    let c = cost::estimate_cost(&catalogue, &call.model, &call.usage, &q, pricing.as_ref())
        .map_err(|e| in_request(e, &["serviceTier", "cacheWriteTtl"]))?;
    let mut out = cost_json(&call.model, &c);
    if let Some(o) = out.as_object_mut() {
        o.insert("inputTokens".into(), call.usage.input_tokens.into());
        o.insert("outputTokens".into(), call.usage.output_tokens.into());
    }
    to_js(&out)
}

/// An error the core raised about a request field (`serviceTier`), named
/// where the caller passed it: `request.serviceTier`.
fn in_request(e: Error, keys: &[&str]) -> Error {
    match e.field_name() {
        Some(f) if keys.contains(&f) => {
            let f = format!("request.{f}");
            e.at_field(f)
        }
        _ => e,
    }
}

/// A reply's usage: the reply object (or its usage object), or a complete
/// reply as text: server-sent events, or JSON.
#[wasm_bindgen(js_name = usageFromResponse)]
pub fn usage_from_response(body: JsValue) -> JsResult<JsValue> {
    let r = match body.as_string() {
        // Like a reply without usage, a text without it is a bad `body`.
        Some(_) => usage_from_text(&string(&body, "body")?)?,
        None => json(&body, "body")?.read("", crate::usage::usage_from_response)?,
    };
    let u = &r.usage;
    to_js(&json!({
        "format": r.format,
        "model": r.model,
        "inputTokens": u.input_tokens,
        "outputTokens": u.output_tokens,
        "cachedInputTokens": u.cached_input_tokens,
        "cacheWriteTokens": u.cache_write_tokens,
        "cacheWrite1hTokens": u.cache_write_1h_tokens,
        "reasoningTokens": u.reasoning_tokens,
    }))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResponseCostOptions {
    model: Option<String>,
    pricing: Option<Value>,
    at: Option<Value>,
}

/// The cost of a provider reply (an OpenAI Chat Completion or Responses
/// response, an Anthropic Message, a Gemini reply, or a stream's final one):
/// its usage as usageFromResponse reads it, priced as estimateCost prices it,
/// for `options.model` or else the model the reply names.
#[wasm_bindgen(js_name = costFromResponse)]
pub fn cost_from_response(body: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let (catalogue, rest) = split_catalogue(&opts)?;
    let o: ResponseCostOptions = typed(&rest, "options")?;
    let pricing = pricing(o.pricing.as_ref(), "options.pricing")?;
    let at = instant(o.at.as_ref(), "options.at")?;
    let r = json(&body, "body")?.read("", crate::usage::usage_from_response)?;
    // An unknown model is named where it came from: the options or the reply.
    let (model, base) = match (o.model, r.model) {
        (Some(m), _) => (m, "options"),
        (None, Some(m)) => (m, "body"),
        (None, None) => {
            return Err(Error::invalid(
                "options.model",
                "is required: the reply names no model (Gemini replies often do not)",
            )
            .into())
        }
    };
    let q = PriceQuery {
        at,
        service_tier: None,
    };
    let c = cost::estimate_cost(&catalogue, &model, &r.usage, &q, pricing.as_ref()).map_err(
        |e| match e.field_name() {
            Some("model") => e.at_field(format!("{base}.model")),
            _ => e,
        },
    )?;
    let mut out = cost_json(&model, &c);
    if let Some(o) = out.as_object_mut() {
        o.insert("inputTokens".into(), r.usage.input_tokens.into());
        o.insert("outputTokens".into(), r.usage.output_tokens.into());
    }
    to_js(&out)
}

fn micro_to_f64(m: u128) -> f64 {
    m as f64 / 1e6
}

fn projection_json(p: &Projection) -> Value {
    json!({
        "currency": "USD",
        "model": p.model,
        "days": p.days,
        "inputTokens": p.input_tokens,
        "requests": micro_to_f64(p.requests_micro),
        "requestsToModel": micro_to_f64(p.requests_to_model_micro),
        "llm": {
            "input": usd(p.llm.input),
            "cachedInput": usd(p.llm.cached_input),
            "cacheWrite": usd(p.llm.cache_write),
            "output": usd(p.llm.output),
            "total": usd(p.llm.total),
        },
        "embeddings": usd(p.embeddings),
        "total": usd(p.total),
        "perRequest": usd(p.per_request),
        "perDay": usd(p.per_day),
        "perUser": p.per_user.map(usd),
        "warnings": p.warnings,
    })
}

fn workload(
    catalogue: &Catalogue,
    value: &JsValue,
) -> Result<(Workload, Option<PriceList>), Error> {
    let v = json(value, "workload")?;
    // Prices are read by serde, which would not name a NaN.
    v.finite_under("pricing", "")?;
    let pricing = pricing(v.value().get("pricing"), "pricing")?;
    Ok((
        v.read("", |w| super::read::workload::workload(catalogue, w))?,
        pricing,
    ))
}

/// A usage (an estimateCost request, or what BudgetLedger.record is given)
/// read by the Rust API, whose fields are at `base`. Its `batch` is the one
/// boolean the Rust API reads from JSON, where a NaN's stand-in `true` would
/// pass ([`Json`]): a NaN there is refused first.
pub(super) fn usage(catalogue: &Catalogue, input: &Json, base: &str) -> Result<CostRequest, Error> {
    if let Some(name) = input.non_finite_at("batch") {
        let field = if base.is_empty() {
            "batch".to_string()
        } else {
            format!("{base}.batch")
        };
        return Err(Error::invalid(
            field,
            format!("must be a boolean, got {name}"),
        ));
    }
    input.read(base, |v| {
        super::read::cost::usage_from_json(catalogue, v, base)
    })
}

#[wasm_bindgen(js_name = projectCost)]
pub fn project_cost(workload_js: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let (catalogue, rest) = split_catalogue(&opts)?;
    let o: AtOnly = typed(&rest, "options")?;
    let at = instant(o.at.as_ref(), "options.at")?;
    let (w, pricing) = workload(&catalogue, &workload_js)?;
    to_js(&projection_json(&projection::project_cost(
        &catalogue,
        &w,
        pricing.as_ref(),
        at,
    )?))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AtOnly {
    at: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CompareOptions {
    models: Option<Vec<String>>,
    baseline: Option<String>,
    at: Option<Value>,
}

#[wasm_bindgen(js_name = compareModels)]
pub fn compare_models(workload_js: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let (catalogue, rest) = split_catalogue(&opts)?;
    let (w, _) = workload(&catalogue, &workload_js)?;
    let o: CompareOptions = typed(&rest, "options")?;
    let at = instant(o.at.as_ref(), "options.at")?;
    let c = projection::compare_models(
        &catalogue,
        &w,
        o.models.as_deref(),
        o.baseline.as_deref(),
        at,
    )
    .map_err(|e| in_options(e, &["models", "baseline"]))?;
    let models: Vec<Value> = c
        .models
        .iter()
        .map(|m| {
            let mut v = projection_json(&m.projection);
            if let Some(o) = v.as_object_mut() {
                let saving = m.saving_vs_baseline;
                o.insert(
                    "savingVsBaseline".into(),
                    saving.map(|s| s as f64 / 1e12).into(),
                );
                let pct = saving
                    .zip(c.baseline_total.filter(|&b| b > 0))
                    .map(|(s, b)| s as f64 / b as f64 * 100.0);
                o.insert("savingPercent".into(), pct.into());
            }
            v
        })
        .collect();
    let skipped: Vec<Value> = c
        .skipped
        .iter()
        .map(|s| {
            let reason = match s.missing_encoding.and_then(entry_points_of) {
                Some(entries) => format!("{}; import it from {entries}", s.reason),
                None => s.reason.clone(),
            };
            json!({ "model": s.model, "reason": reason })
        })
        .collect();
    to_js(&json!({ "baseline": c.baseline, "models": models, "skipped": skipped }))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SuggestOptions {
    candidates: Option<Vec<String>>,
    at: Option<Value>,
}

#[wasm_bindgen(js_name = suggestModel)]
pub fn suggest_model(prompt: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let prompt = string(&prompt, "prompt")?;
    let (catalogue, rest) = split_catalogue(&opts)?;
    let o: SuggestOptions = typed(&rest, "options")?;
    let at = instant(o.at.as_ref(), "options.at")?;
    let s = routing::suggest_model(&catalogue, &prompt, o.candidates.as_deref(), at)
        .map_err(|e| in_options(e, &["candidates"]))?;
    to_js(&json!({
        "model": s.model,
        "complexity": s.complexity.as_str(),
        "score": s.score,
        "signals": s.signals,
        "reason": s.reason,
    }))
}

/// A complete reply given as text (SSE or JSON), read by the stream meter.
#[cfg(feature = "meter")]
fn usage_from_text(text: &str) -> Result<crate::usage::ResponseUsage, Error> {
    crate::meter::usage_from_text(text).map_err(|e| match e.code() {
        crate::ErrorCode::InvalidStream => Error::invalid("body", e.message()),
        _ => e,
    })
}

#[cfg(not(feature = "meter"))]
fn usage_from_text(_text: &str) -> Result<crate::usage::ResponseUsage, Error> {
    Err(Error::feature_not_bundled(
        "body",
        "reading a reply given as text (SSE or JSON)",
        "meter",
    ))
}
