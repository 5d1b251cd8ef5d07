//! The BudgetLedger class.

use serde::Deserialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::catalogue::split_catalogue;
use super::convert::{json, string, to_js, typed, JsResult};
use super::cost::pricing;
use crate::cost::usd;
use crate::error::Error;
use crate::ledger::{self, Check, LedgerConfig, Spend};

/// Per-key and global daily budgets. Holds wasm memory: call `free()` when
/// done with a ledger you create per request; long-lived ledgers are also
/// freed by the garbage collector (FinalizationRegistry).
#[wasm_bindgen(js_name = BudgetLedger)]
pub struct JsBudgetLedger {
    inner: ledger::BudgetLedger,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RecordOptions {
    feature: Option<String>,
    now: Option<f64>,
    model: Option<String>,
    pricing: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NowOptions {
    now: Option<f64>,
}

fn now(given: Option<f64>) -> f64 {
    given.unwrap_or_else(js_sys::Date::now)
}

fn check_json(c: &Check) -> Value {
    json!({
        "allowed": c.allowed,
        "day": c.day,
        "spentUsd": usd(c.spent),
        "remainingUsd": c.remaining.map(usd),
        "limitUsd": c.limit.map(usd),
        "alert": c.alert.as_str(),
    })
}

fn spend_json(name: &str, s: &Spend) -> Value {
    json!({ "name": name, "costUsd": usd(s.cost), "requests": s.requests, "inputTokens": s.input_tokens, "outputTokens": s.output_tokens })
}

#[wasm_bindgen(js_class = BudgetLedger)]
impl JsBudgetLedger {
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> JsResult<JsBudgetLedger> {
        let config: LedgerConfig = typed(&config, "config")?;
        Ok(JsBudgetLedger {
            inner: ledger::BudgetLedger::new(config)?,
        })
    }

    /// Records a finished call's usage (an `estimateCost` request or
    /// `usageFromResponse`'s result) for `key`; returns its cost and the
    /// key's budget state after it.
    pub fn record(&mut self, key: JsValue, usage: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let key = string(&key, "key")?;
        let (catalogue, rest) = split_catalogue(&opts)?;
        let o: RecordOptions = typed(&rest, "options")?;
        let mut usage_json = json(&usage, "usage")?;
        if let (Some(model), Some(obj)) = (&o.model, usage_json.value_mut().as_object_mut()) {
            if obj.get("model").is_none_or(Value::is_null) {
                obj.insert("model".into(), model.clone().into());
            }
        }
        let call = super::cost::usage(&catalogue, &usage_json, "usage")?;
        let pricing = pricing(o.pricing.as_ref(), "options.pricing")?;
        let t = now(o.now);
        let c = self.inner.record(
            &catalogue,
            &key,
            &call,
            o.feature.as_deref(),
            pricing.as_ref(),
            t,
        )?;
        let check = self.inner.check(&key, t)?;
        to_js(&json!({ "costUsd": usd(c), "model": call.model, "check": check_json(&check) }))
    }

    pub fn check(&self, key: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let key = string(&key, "key")?;
        let o: NowOptions = typed(&opts, "options")?;
        to_js(&check_json(&self.inner.check(&key, now(o.now))?))
    }

    /// Spend by day, key, model and feature.
    pub fn report(&self) -> JsResult<JsValue> {
        let r = self.inner.report();
        let list = |m: &std::collections::BTreeMap<String, Spend>| -> Vec<Value> {
            m.iter().map(|(k, s)| spend_json(k, s)).collect()
        };
        let total: u128 = r.by_day.values().map(|s| s.cost).sum();
        to_js(&json!({
            "totalUsd": usd(total),
            "byDay": list(&r.by_day),
            "byKey": list(&r.by_key),
            "byModel": list(&r.by_model),
            "byFeature": list(&r.by_feature),
        }))
    }

    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsResult<JsValue> {
        to_js(&self.inner.to_json())
    }

    /// Loads `toJSON()`'s output (the object or its JSON text). Anything
    /// malformed throws `INVALID_LEDGER` and nothing is loaded.
    #[wasm_bindgen(js_name = fromJSON)]
    pub fn from_json(value: JsValue) -> JsResult<JsBudgetLedger> {
        let v = match value.as_string() {
            Some(text) => serde_json::from_str(&text).map_err(|e| {
                Error::new(crate::ErrorCode::InvalidLedger, format!("ledger JSON: {e}"))
            })?,
            // NaN and infinities are named here: the ledger is read by serde.
            None => json(&value, "json")?
                .finite()
                .map_err(|e| e.with_code(crate::ErrorCode::InvalidLedger))?,
        };
        Ok(JsBudgetLedger {
            inner: ledger::BudgetLedger::from_json(&v)?,
        })
    }
}
