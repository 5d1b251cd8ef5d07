//! preflight and requestCacheKey.

use serde::Deserialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::catalogue::{instant, split_catalogue};
use super::convert::{json, to_js, typed, JsResult};
use super::cost::pricing;
use crate::cost::usd;
use crate::preflight::{self, Budget};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PreflightOptions {
    budget: Option<BudgetJs>,
    pricing: Option<Value>,
    at: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BudgetJs {
    limit_usd: f64,
    #[serde(default)]
    spent_usd: f64,
}

#[wasm_bindgen]
pub fn preflight(request: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let (catalogue, rest) = split_catalogue(&opts)?;
    let o: PreflightOptions = typed(&rest, "options")?;
    let budget = o
        .budget
        .map(|b| Budget::from_usd(b.limit_usd, b.spent_usd))
        .transpose()?;
    let pricing = pricing(o.pricing.as_ref(), "options.pricing")?;
    let at = instant(o.at.as_ref(), "options.at")?;
    let request = json(&request, "request")?;
    let p = request.read("request", |r| {
        preflight::preflight(&catalogue, r, budget, pricing.as_ref(), at)
    })?;
    // Tool schemas are counted as JSON, where the stand-in of a NaN would
    // count as `true`; the API would get null. Refused, as countChatTokens
    // refuses it in options.tools.
    request.finite_under("tools", "request")?;
    let problems: Vec<Value> = p
        .problems
        .iter()
        .map(|x| json!({ "code": x.code.as_str(), "message": x.message }))
        .collect();
    to_js(&json!({
        "ok": p.ok,
        "model": p.model,
        "inputTokens": p.input_tokens,
        "exact": p.exact,
        "maxOutputTokens": p.max_output_tokens,
        "contextWindow": p.context_window,
        "inputLimit": p.input_limit,
        "fits": p.fits(),
        "cost": { "currency": "USD", "min": p.cost_min.map(usd), "max": p.cost_max.map(usd) },
        "problems": problems,
        "warnings": p.warnings,
    }))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KeyOptions {
    #[serde(default)]
    force: bool,
}

/// A NaN or an infinity in a field the key hashes is refused at its path:
/// the key is over the request's JSON, which has no such numbers (the API
/// would get null), and one must not hash like any other value. In a field
/// the key leaves out (`metadata`, `stream`) it changes nothing, and passes.
#[wasm_bindgen(js_name = requestCacheKey)]
pub fn request_cache_key(request: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let o: KeyOptions = typed(&opts, "options")?;
    let request = json(&request, "request")?.finite_where(preflight::in_cache_key)?;
    let key = preflight::request_cache_key(&request, o.force)?;
    Ok(key.map_or(JsValue::NULL, |k| JsValue::from_str(&k)))
}
