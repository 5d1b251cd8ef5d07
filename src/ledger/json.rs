//! The ledger's JSON, for a Worker to keep in KV or a Durable Object.
//!
//! Version 2: `{ version: 2, config, entries, reservations }`. Each entry is
//! `[day, key, model, feature, cost, requests, inputTokens, outputTokens]`
//! and each reservation `[id, key, amount, atMs, expiresMs]`; money is a
//! decimal string of pico-dollars, since it can pass 2^53. Version 1 (no
//! reservations) is still read.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use super::reserve::Reservation;
use super::{day_number, BudgetLedger, LedgerConfig, Spend};
use crate::cost::Pico;
use crate::error::{Error, ErrorCode, Result};

/// The version [`BudgetLedger::to_json`] writes.
pub const VERSION: u32 = 2;

/// day, key, model, feature, cost (pico-dollars), requests, input, output
type RawEntry = (String, String, String, String, String, u64, u64, u64);
/// id, key, amount (pico-dollars), made at, expires at (ms since the epoch)
type RawReservation = (String, String, String, i64, i64);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    version: u32,
    config: LedgerConfig,
    entries: Vec<RawEntry>,
    reservations: Option<Vec<RawReservation>>,
}

fn bad(why: String) -> Error {
    Error::new(ErrorCode::InvalidLedger, format!("ledger JSON: {why}"))
}

fn pico(text: &str, at: &str) -> Result<Pico> {
    text.parse()
        .ok()
        .filter(|c: &Pico| *c < 10u128.pow(30))
        .ok_or_else(|| {
            bad(format!(
                "{at}: {text:?} is not a whole number of pico-dollars"
            ))
        })
}

impl BudgetLedger {
    /// The ledger as JSON (version 2).
    pub fn to_json(&self) -> Value {
        let entries: Vec<Value> = self
            .entries
            .iter()
            .map(|((day, key, model, feature), s)| {
                json!([
                    day,
                    key,
                    model,
                    feature,
                    s.cost.to_string(),
                    s.requests,
                    s.input_tokens,
                    s.output_tokens
                ])
            })
            .collect();
        let reservations: Vec<Value> = self
            .reservations
            .iter()
            .map(|r| json!([r.id, r.key, r.amount.to_string(), r.at_ms, r.expires_ms]))
            .collect();
        json!({ "version": VERSION, "config": self.config, "entries": entries, "reservations": reservations })
    }

    /// Loads a ledger written by [`BudgetLedger::to_json`] (version 1 or 2);
    /// anything malformed is `INVALID_LEDGER` and nothing is loaded.
    pub fn from_json(value: &Value) -> Result<BudgetLedger> {
        let raw: Raw = serde_json::from_value(value.clone()).map_err(|e| bad(e.to_string()))?;
        match (raw.version, &raw.reservations) {
            (2, Some(_)) | (1, None) => {}
            (1, Some(_)) => return Err(bad("version 1 has no reservations".into())),
            (2, None) => return Err(bad("version 2 needs its reservations".into())),
            (v, _) => return Err(bad(format!("version {v} is not 1 or 2"))),
        }
        raw.config
            .validate()
            .map_err(|e| bad(e.message().to_string()))?;
        let mut entries = BTreeMap::new();
        for (i, (day, key, model, feature, cost, requests, input_tokens, output_tokens)) in
            raw.entries.into_iter().enumerate()
        {
            if day_number(&day).is_none() {
                return Err(bad(format!(
                    "entries[{i}]: {day:?} is not a YYYY-MM-DD day"
                )));
            }
            let cost = pico(&cost, &format!("entries[{i}]"))?;
            let slot = (day, key, model, feature);
            if entries.contains_key(&slot) {
                return Err(bad(format!("entries[{i}] repeats an earlier entry")));
            }
            let spend = Spend {
                cost,
                requests,
                input_tokens,
                output_tokens,
            };
            entries.insert(slot, spend);
        }
        let mut reservations: Vec<Reservation> = Vec::new();
        for (i, (id, key, amount, at_ms, expires_ms)) in
            raw.reservations.unwrap_or_default().into_iter().enumerate()
        {
            let at = format!("reservations[{i}]");
            let amount = pico(&amount, &at)?;
            let times_ok =
                crate::time::Instant::from_ms(at_ms as f64, "at").is_ok() && expires_ms > at_ms;
            if id.is_empty() || id.len() > 256 || key.is_empty() || key.len() > 256 || !times_ok {
                return Err(bad(format!(
                    "{at}: not an [id, key, amount, atMs, expiresMs] reservation"
                )));
            }
            if reservations.iter().any(|r| r.id == id) {
                return Err(bad(format!("{at} repeats the id of an earlier one")));
            }
            reservations.push(Reservation {
                id,
                key,
                amount,
                at_ms,
                expires_ms,
            });
        }
        Ok(BudgetLedger {
            config: raw.config,
            entries,
            reservations,
        })
    }
}
