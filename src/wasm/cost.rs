//! The catalogue and the cost engine: listModels, getModel, registerModels,
//! estimateCost, usageFromResponse, projectCost, compareModels, suggestModel.

use serde::Deserialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::convert::{in_options, json, string, to_js, typed, JsResult, Json};
use crate::catalogue;
use crate::cost::{self, usd, Cost, Pricing, Usage};
use crate::error::{Error, ErrorCode};
use crate::projection::{self, Projection, Workload};
use crate::routing;

#[wasm_bindgen(js_name = listModels)]
pub fn list_models() -> JsResult<JsValue> {
    let models: Vec<Value> = catalogue::list_models()
        .iter()
        .map(catalogue::Model::to_json)
        .collect();
    to_js(&models)
}

#[wasm_bindgen(js_name = getModel)]
pub fn get_model(id: JsValue) -> JsResult<JsValue> {
    let id = string(&id, "id")?;
    let model = catalogue::get_model(&id).ok_or_else(|| crate::tokens::unknown_model(&id))?;
    to_js(&model.to_json())
}

/// The providers with the date and source of their prices.
#[wasm_bindgen(js_name = listProviders)]
pub fn list_providers() -> JsResult<JsValue> {
    to_js(&catalogue::list_providers())
}

#[wasm_bindgen(js_name = registerModels)]
pub fn register_models(specs: JsValue) -> JsResult<JsValue> {
    // NaN and infinities are named here: the catalogue is read whole, by serde.
    let specs = json(&specs, "specs")?
        .finite()
        .map_err(|e| e.with_code(ErrorCode::InvalidCatalogue))?;
    to_js(&catalogue::register_models(&specs)?)
}

#[wasm_bindgen(js_name = resetModels)]
pub fn reset_models() {
    catalogue::reset_models();
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PricingOptions {
    pricing: Option<Value>,
}

fn pricing_option(opts: &JsValue) -> Result<Option<Pricing>, Error> {
    let o: PricingOptions = typed(opts, "options")?;
    o.pricing
        .filter(|p| !p.is_null())
        .map(|p| Pricing::from_json(&p, "options.pricing"))
        .transpose()
}

fn cost_json(model: &str, c: &Cost) -> Value {
    json!({
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
    let pricing = pricing_option(&opts)?;
    let (model, usage) = usage(&json(&request, "request")?, "")?;
    let c = cost::estimate_model_cost(&model, &usage, pricing.as_ref())?;
    let mut out = cost_json(&model, &c);
    if let Some(o) = out.as_object_mut() {
        o.insert("inputTokens".into(), usage.input_tokens.into());
        o.insert("outputTokens".into(), usage.output_tokens.into());
    }
    to_js(&out)
}

#[wasm_bindgen(js_name = usageFromResponse)]
pub fn usage_from_response(body: JsValue) -> JsResult<JsValue> {
    let r = json(&body, "body")?.read("", cost::usage_from_response)?;
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
    })
}

fn workload(value: &JsValue) -> Result<(Workload, Option<Pricing>), Error> {
    let v = json(value, "workload")?;
    // Prices are read by serde, which would not name a NaN.
    v.finite_under("pricing", "")?;
    let pricing = v
        .value()
        .get("pricing")
        .filter(|p| !p.is_null())
        .map(|p| Pricing::from_json(p, "pricing"))
        .transpose()?;
    Ok((v.read("", Workload::from_json)?, pricing))
}

/// A usage (an estimateCost request, or what BudgetLedger.record is given)
/// read by the Rust API, whose fields are at `base`. Its `batch` is the one
/// boolean the Rust API reads from JSON, where a NaN's stand-in `true` would
/// pass ([`Json`]): a NaN there is refused first.
pub(super) fn usage(input: &Json, base: &str) -> Result<(String, Usage), Error> {
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
    input.read(base, |v| cost::usage_from_json(v, base))
}

#[wasm_bindgen(js_name = projectCost)]
pub fn project_cost(workload_js: JsValue) -> JsResult<JsValue> {
    let (w, pricing) = workload(&workload_js)?;
    to_js(&projection_json(&projection::project_cost(
        &w,
        pricing.as_ref(),
    )?))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CompareOptions {
    models: Option<Vec<String>>,
    baseline: Option<String>,
}

#[wasm_bindgen(js_name = compareModels)]
pub fn compare_models(workload_js: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let (w, _) = workload(&workload_js)?;
    let o: CompareOptions = typed(&opts, "options")?;
    let c = projection::compare_models(&w, o.models.as_deref(), o.baseline.as_deref())
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
        .map(|(id, why)| json!({ "model": id, "reason": why }))
        .collect();
    to_js(&json!({ "baseline": c.baseline, "models": models, "skipped": skipped }))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SuggestOptions {
    candidates: Option<Vec<String>>,
}

#[wasm_bindgen(js_name = suggestModel)]
pub fn suggest_model(prompt: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let prompt = string(&prompt, "prompt")?;
    let o: SuggestOptions = typed(&opts, "options")?;
    let s = routing::suggest_model(&prompt, o.candidates.as_deref())?;
    to_js(&json!({
        "model": s.model,
        "complexity": s.complexity.as_str(),
        "score": s.score,
        "signals": s.signals,
        "reason": s.reason,
    }))
}
