//! The BudgetLedger class.

use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::catalogue::split_catalogue;
use super::convert::{json, object, string, to_js, typed, JsResult};
use super::cost::pricing;
use crate::catalogue::{Catalogue, PriceList};
use crate::cost::{self, usd, CostRequest, Pico};
use crate::error::{Error, ErrorCode};
use crate::ledger::{self, Check, LedgerConfig, Spend};
use crate::time::Instant;

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

/// Money as the ledger gives it out: USD (a float, for display) and exact
/// pico-dollars (a decimal string, 1 USD = 10^12).
fn pico(p: Pico) -> String {
    p.to_string()
}

fn check_json(c: &Check) -> Value {
    object(vec![
        ("allowed", Value::from(c.allowed)),
        ("day", Value::from(c.day.as_str())),
        ("spentUsd", Value::from(usd(c.spent))),
        ("reservedUsd", Value::from(usd(c.reserved))),
        ("remainingUsd", Value::from(c.remaining.map(usd))),
        ("limitUsd", Value::from(c.limit.map(usd))),
        ("alert", Value::from(c.alert.as_str())),
        ("spentPicoUsd", Value::from(pico(c.spent))),
        ("reservedPicoUsd", Value::from(pico(c.reserved))),
        ("remainingPicoUsd", Value::from(c.remaining.map(pico))),
        ("limitPicoUsd", Value::from(c.limit.map(pico))),
    ])
}

fn spend_json(name: &str, s: &Spend) -> Value {
    spend_line(("name", name), None, s)
}

/// A spend line named by `key` (and `day`, for a day-and-model line).
fn spend_line(key: (&str, &str), day: Option<&str>, s: &Spend) -> Value {
    let mut line = object(vec![
        (key.0, Value::from(key.1)),
        ("costUsd", Value::from(usd(s.cost))),
        ("costPicoUsd", Value::from(pico(s.cost))),
        ("requests", Value::from(s.requests)),
        ("inputTokens", Value::from(s.input_tokens)),
        ("outputTokens", Value::from(s.output_tokens)),
    ]);
    if let (Some(day), Some(o)) = (day, line.as_object_mut()) {
        o.insert("day".into(), day.into());
    }
    line
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReserveOptions {
    id: Option<String>,
    now: Option<f64>,
    ttl_ms: Option<u64>,
    pricing: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SettleOptions {
    feature: Option<String>,
    model: Option<String>,
    pricing: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReportOptions {
    key: Option<String>,
}

/// A call's usage as `record` takes it: an estimateCost request or
/// usageFromResponse's result, `model` naming its model when it names none.
fn call(
    catalogue: &Catalogue,
    usage: &JsValue,
    model: Option<&String>,
) -> Result<CostRequest, Error> {
    let mut usage_json = json(usage, "usage")?;
    if let (Some(model), Some(obj)) = (model, usage_json.value_mut().as_object_mut()) {
        if obj.get("model").is_none_or(Value::is_null) {
            obj.insert("model".into(), model.clone().into());
        }
    }
    super::cost::usage(catalogue, &usage_json, "usage")
}

/// What `reserve` holds: a USD amount, or a chat request's worst case
/// (preflight's `cost.max`: its input and all of its output allowance).
fn amount(
    catalogue: &Catalogue,
    given: &JsValue,
    pricing: Option<&PriceList>,
    now: f64,
) -> Result<Pico, Error> {
    if let Some(v) = given.as_f64() {
        return cost::pico_from_usd(v, "amount");
    }
    if !given.is_object() || given.is_array() {
        return Err(Error::invalid(
            "amount",
            "must be an amount of USD or a chat request to price",
        ));
    }
    let request = json(given, "request")?;
    let at = Instant::from_ms(now, "options.now")?;
    let p = request.read("request", |r| {
        crate::preflight::preflight(catalogue, r, None, pricing, at)
    })?;
    p.cost_max.ok_or_else(|| {
        Error::field(
            ErrorCode::UnknownModel,
            "request.model",
            format!(
                "{}: has no price to reserve (pass an amount, or options.pricing)",
                p.model
            ),
        )
    })
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
        let call = call(&catalogue, &usage, o.model.as_ref())?;
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
        to_js(&object(vec![
            ("costUsd", Value::from(usd(c))),
            ("costPicoUsd", Value::from(pico(c))),
            ("model", Value::from(call.model)),
            ("check", check_json(&check)),
        ]))
    }

    /// `record`, only if the call fits the key's and the global budget
    /// (open reservations counted): `{ recorded, costUsd, costPicoUsd,
    /// model, check }`.
    #[wasm_bindgen(js_name = tryRecord)]
    pub fn try_record(&mut self, key: JsValue, usage: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let key = string(&key, "key")?;
        let (catalogue, rest) = split_catalogue(&opts)?;
        let o: RecordOptions = typed(&rest, "options")?;
        let call = call(&catalogue, &usage, o.model.as_ref())?;
        let pricing = pricing(o.pricing.as_ref(), "options.pricing")?;
        let r = self.inner.try_record(
            &catalogue,
            &key,
            &call,
            o.feature.as_deref(),
            pricing.as_ref(),
            now(o.now),
        )?;
        to_js(&object(vec![
            ("recorded", Value::from(r.recorded)),
            ("costUsd", Value::from(usd(r.cost))),
            ("costPicoUsd", Value::from(pico(r.cost))),
            ("model", Value::from(call.model)),
            ("check", check_json(&r.check)),
        ]))
    }

    /// Holds `amount` (USD, or a chat request's worst case) against `key`
    /// for a call about to be made: `{ reserved, id, amountUsd,
    /// amountPicoUsd, expiresAt, check }`; `reserved: false` when it would
    /// pass the key's or the global budget.
    pub fn reserve(&mut self, key: JsValue, amount: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let key = string(&key, "key")?;
        let (catalogue, rest) = split_catalogue(&opts)?;
        let o: ReserveOptions = typed(&rest, "options")?;
        let id =
            o.id.ok_or_else(|| Error::invalid("options.id", "is required (the call's own id)"))?;
        let pricing = pricing(o.pricing.as_ref(), "options.pricing")?;
        let t = now(o.now);
        let amount = self::amount(&catalogue, &amount, pricing.as_ref(), t)?;
        let r = self
            .inner
            .reserve(&key, amount, &id, t, o.ttl_ms)
            .map_err(|e| super::convert::in_options(e, &["id"]))?;
        to_js(&object(vec![
            ("reserved", Value::from(r.reserved)),
            ("id", Value::from(id)),
            ("amountUsd", Value::from(usd(r.amount))),
            ("amountPicoUsd", Value::from(pico(r.amount))),
            ("expiresAt", Value::from(r.expires_ms)),
            ("check", check_json(&r.check)),
        ]))
    }

    /// Closes reservation `id` with the call's usage, recorded for its key
    /// on its day: `{ key, model, costUsd, costPicoUsd, reservedUsd,
    /// reservedPicoUsd, check }`. Not open: `UNKNOWN_RESERVATION`.
    pub fn settle(&mut self, id: JsValue, usage: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let id = string(&id, "id")?;
        let (catalogue, rest) = split_catalogue(&opts)?;
        let o: SettleOptions = typed(&rest, "options")?;
        let call = call(&catalogue, &usage, o.model.as_ref())?;
        let pricing = pricing(o.pricing.as_ref(), "options.pricing")?;
        let s = self.inner.settle(
            &catalogue,
            &id,
            &call,
            o.feature.as_deref(),
            pricing.as_ref(),
        )?;
        to_js(&object(vec![
            ("key", Value::from(s.key)),
            ("model", Value::from(call.model)),
            ("costUsd", Value::from(usd(s.cost))),
            ("costPicoUsd", Value::from(pico(s.cost))),
            ("reservedUsd", Value::from(usd(s.reserved))),
            ("reservedPicoUsd", Value::from(pico(s.reserved))),
            ("check", check_json(&s.check)),
        ]))
    }

    /// Closes reservation `id` without a cost; whether it was open.
    pub fn release(&mut self, id: JsValue) -> JsResult<bool> {
        Ok(self.inner.release(&string(&id, "id")?).is_some())
    }

    /// The open reservations (of one key with `{ key }`).
    pub fn reservations(&self, opts: JsValue) -> JsResult<JsValue> {
        let o: ReportOptions = typed(&opts, "options")?;
        let list: Vec<Value> = self
            .inner
            .reservations()
            .filter(|r| o.key.as_ref().is_none_or(|k| *k == r.key))
            .map(|r| {
                object(vec![
                    ("id", Value::from(r.id.as_str())),
                    ("key", Value::from(r.key.as_str())),
                    ("amountUsd", Value::from(usd(r.amount))),
                    ("amountPicoUsd", Value::from(pico(r.amount))),
                    ("at", Value::from(r.at_ms)),
                    ("expiresAt", Value::from(r.expires_ms)),
                ])
            })
            .collect();
        to_js(&list)
    }

    pub fn check(&self, key: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let key = string(&key, "key")?;
        let o: NowOptions = typed(&opts, "options")?;
        to_js(&check_json(&self.inner.check(&key, now(o.now))?))
    }

    /// Spend by day, key, model, feature, and day and model (`byDayModel`);
    /// of one key only with `{ key }`.
    pub fn report(&self, opts: JsValue) -> JsResult<JsValue> {
        let o: ReportOptions = typed(&opts, "options")?;
        let r = self.inner.report_of(o.key.as_deref());
        let list = |m: &std::collections::BTreeMap<String, Spend>| -> Vec<Value> {
            m.iter().map(|(k, s)| spend_json(k, s)).collect()
        };
        let by_day_model: Vec<Value> = r
            .by_day_model
            .iter()
            .map(|((day, model), s)| spend_line(("model", model), Some(day), s))
            .collect();
        let total: u128 = r.by_day.values().map(|s| s.cost).sum();
        to_js(&object(vec![
            ("totalUsd", Value::from(usd(total))),
            ("totalPicoUsd", Value::from(pico(total))),
            ("byDay", Value::from(list(&r.by_day))),
            ("byKey", Value::from(list(&r.by_key))),
            ("byModel", Value::from(list(&r.by_model))),
            ("byFeature", Value::from(list(&r.by_feature))),
            ("byDayModel", Value::from(by_day_model)),
        ]))
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
