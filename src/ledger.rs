//! A budget ledger: daily spend per key (user) and in total, limits and alert
//! thresholds, by UTC day, serialisable so that a Worker can keep it in KV or
//! a Durable Object.
//!
//! Spend is integer pico-dollars, so a million small calls sum exactly.
//! Time is passed in (milliseconds since the Unix epoch): the ledger never
//! reads a clock, which keeps it deterministic and testable across midnight.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalogue::{Catalogue, PriceList};
use crate::cost::{self, CostRequest, Pico, PriceQuery};
use crate::error::{Error, ErrorCode, Result};
use crate::time::{Day, Instant};

/// Days of history kept; older days are dropped on the next record.
pub const DEFAULT_RETENTION_DAYS: u32 = 62;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LedgerConfig {
    /// Daily limit for each key, in USD (`None`: no per-key limit).
    pub per_key_daily_usd: Option<f64>,
    /// Daily limit for all keys together, in USD.
    pub global_daily_usd: Option<f64>,
    /// Per-key limits that replace `per_key_daily_usd` for those keys.
    #[serde(default)]
    pub key_limits_usd: BTreeMap<String, f64>,
    /// Share of a limit at which `check` starts to warn (default 0.8).
    #[serde(default = "default_alert")]
    pub alert_at: f64,
    #[serde(default = "default_retention")]
    pub retention_days: u32,
}

fn default_alert() -> f64 {
    0.8
}
fn default_retention() -> u32 {
    DEFAULT_RETENTION_DAYS
}

impl Default for LedgerConfig {
    fn default() -> Self {
        LedgerConfig {
            per_key_daily_usd: None,
            global_daily_usd: None,
            key_limits_usd: BTreeMap::new(),
            alert_at: default_alert(),
            retention_days: default_retention(),
        }
    }
}

impl LedgerConfig {
    pub fn validate(&self) -> Result<()> {
        if let Some(v) = self.per_key_daily_usd {
            cost::pico_from_usd(v, "perKeyDailyUsd")?;
        }
        if let Some(v) = self.global_daily_usd {
            cost::pico_from_usd(v, "globalDailyUsd")?;
        }
        for (k, v) in &self.key_limits_usd {
            cost::pico_from_usd(*v, &format!("keyLimitsUsd.{k}"))?;
        }
        if !self.alert_at.is_finite() || !(0.0..=1.0).contains(&self.alert_at) {
            return Err(Error::invalid(
                "alertAt",
                format!("must be a share from 0 to 1, got {}", self.alert_at),
            ));
        }
        if self.retention_days == 0 || self.retention_days > 3660 {
            return Err(Error::invalid("retentionDays", "must be from 1 to 3660"));
        }
        Ok(())
    }

    fn key_limit(&self, key: &str) -> Option<Pico> {
        self.key_limits_usd
            .get(key)
            .or(self.per_key_daily_usd.as_ref())
            .and_then(|v| cost::pico_from_usd(*v, "limit").ok())
    }
}

/// Spend of one (day, key, model, feature).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spend {
    pub cost: Pico,
    pub requests: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

/// `none`, `warning` (past `alert_at` of a limit) or `exceeded`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alert {
    None,
    Warning,
    Exceeded,
}

impl Alert {
    pub fn as_str(self) -> &'static str {
        match self {
            Alert::None => "none",
            Alert::Warning => "warning",
            Alert::Exceeded => "exceeded",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// False when the key's or the global daily limit is reached.
    pub allowed: bool,
    pub day: String,
    pub spent: Pico,
    /// The tighter of the key's and the global remaining budget.
    pub remaining: Option<Pico>,
    pub limit: Option<Pico>,
    pub alert: Alert,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub by_day: BTreeMap<String, Spend>,
    pub by_key: BTreeMap<String, Spend>,
    pub by_model: BTreeMap<String, Spend>,
    /// Calls recorded without a feature are under "".
    pub by_feature: BTreeMap<String, Spend>,
}

/// (day, key, model, feature)
type EntryKey = (String, String, String, String);

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BudgetLedger {
    config: LedgerConfig,
    entries: BTreeMap<EntryKey, Spend>,
}

/// The UTC calendar date of a Unix time in milliseconds, as `YYYY-MM-DD`.
pub fn utc_day(now_ms: f64) -> Result<String> {
    Ok(Instant::from_ms(now_ms, "now")?.day().to_string())
}

fn day_number(day: &str) -> Option<Day> {
    Day::parse(day, "day").ok()
}

impl BudgetLedger {
    pub fn new(config: LedgerConfig) -> Result<BudgetLedger> {
        config.validate()?;
        Ok(BudgetLedger {
            config,
            entries: BTreeMap::new(),
        })
    }

    pub fn config(&self) -> &LedgerConfig {
        &self.config
    }

    /// Records a finished call and returns its cost. The call is priced as
    /// `estimate_cost` prices it, at the prices in force at `now_ms`.
    pub fn record(
        &mut self,
        catalogue: &Catalogue,
        key: &str,
        call: &CostRequest,
        feature: Option<&str>,
        pricing: Option<&PriceList>,
        now_ms: f64,
    ) -> Result<Pico> {
        if key.is_empty() || key.len() > 256 {
            return Err(Error::invalid(
                "key",
                "must be a string of 1 to 256 characters",
            ));
        }
        let at = Instant::from_ms(now_ms, "now")?;
        let day = at.day().to_string();
        let q = PriceQuery {
            at,
            service_tier: call.service_tier.as_deref(),
        };
        let (model, usage) = (&call.model, &call.usage);
        let cost = cost::estimate_cost(catalogue, model, usage, &q, pricing)?.total;
        let spend = self
            .entries
            .entry((
                day.clone(),
                key.to_string(),
                model.to_string(),
                feature.unwrap_or("").to_string(),
            ))
            .or_default();
        spend.cost += cost;
        spend.requests += 1;
        spend.input_tokens = spend.input_tokens.saturating_add(usage.input_tokens);
        spend.output_tokens = spend.output_tokens.saturating_add(usage.output_tokens);
        self.prune(&day);
        Ok(cost)
    }

    fn prune(&mut self, today: &str) {
        let Some(today) = day_number(today) else {
            return;
        };
        self.entries.retain(|(day, ..), _| {
            day_number(day)
                .is_some_and(|d| d.days_until(today) < i64::from(self.config.retention_days))
        });
    }

    /// Spend of `key` on the day of `now_ms` (all keys with `None`).
    pub fn spent(&self, key: Option<&str>, now_ms: f64) -> Result<Pico> {
        let day = utc_day(now_ms)?;
        Ok(self
            .entries
            .iter()
            .filter(|((d, k, ..), _)| *d == day && key.is_none_or(|key| k == key))
            .map(|(_, s)| s.cost)
            .sum())
    }

    /// Whether `key` may spend more today, and how much.
    pub fn check(&self, key: &str, now_ms: f64) -> Result<Check> {
        let day = utc_day(now_ms)?;
        let key_spent = self.spent(Some(key), now_ms)?;
        let all_spent = self.spent(None, now_ms)?;
        let key_limit = self.config.key_limit(key);
        let global_limit = self
            .config
            .global_daily_usd
            .and_then(|v| cost::pico_from_usd(v, "globalDailyUsd").ok());
        let remaining_key = key_limit.map(|l| l.saturating_sub(key_spent));
        let remaining_global = global_limit.map(|l| l.saturating_sub(all_spent));
        let remaining = match (remaining_key, remaining_global) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let share = |spent: Pico, limit: Option<Pico>| {
            limit.map(|l| {
                if l == 0 {
                    f64::INFINITY
                } else {
                    spent as f64 / l as f64
                }
            })
        };
        let worst = [share(key_spent, key_limit), share(all_spent, global_limit)]
            .into_iter()
            .flatten()
            .fold(0.0f64, f64::max);
        let alert = if worst >= 1.0 {
            Alert::Exceeded
        } else if worst >= self.config.alert_at {
            Alert::Warning
        } else {
            Alert::None
        };
        Ok(Check {
            allowed: remaining.is_none_or(|r| r > 0),
            day,
            spent: key_spent,
            remaining,
            limit: key_limit,
            alert,
        })
    }

    /// Every (day, key, model, feature) with its spend, oldest day first.
    pub fn entries(&self) -> impl Iterator<Item = (&EntryKey, &Spend)> {
        self.entries.iter()
    }

    /// Spend summed by day, by key, by model and by feature.
    pub fn report(&self) -> Report {
        let mut r = Report::default();
        for ((day, key, model, feature), s) in &self.entries {
            for (map, name) in [
                (&mut r.by_day, day),
                (&mut r.by_key, key),
                (&mut r.by_model, model),
                (&mut r.by_feature, feature),
            ] {
                let t = map.entry(name.clone()).or_default();
                t.cost += s.cost;
                t.requests += s.requests;
                t.input_tokens = t.input_tokens.saturating_add(s.input_tokens);
                t.output_tokens = t.output_tokens.saturating_add(s.output_tokens);
            }
        }
        r
    }

    /// The ledger as JSON. Costs are decimal strings of pico-dollars, since
    /// they can pass 2^53.
    pub fn to_json(&self) -> serde_json::Value {
        let entries: Vec<serde_json::Value> = self
            .entries
            .iter()
            .map(|((day, key, model, feature), s)| {
                serde_json::json!([
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
        serde_json::json!({ "version": 1, "config": self.config, "entries": entries })
    }

    /// Loads a ledger written by [`BudgetLedger::to_json`]; anything malformed
    /// is `INVALID_LEDGER` and nothing is loaded.
    pub fn from_json(value: &serde_json::Value) -> Result<BudgetLedger> {
        let bad = |why: String| Error::new(ErrorCode::InvalidLedger, format!("ledger JSON: {why}"));
        /// day, key, model, feature, cost (pico-dollars), requests, input, output
        type RawEntry = (String, String, String, String, String, u64, u64, u64);
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            version: u32,
            config: LedgerConfig,
            entries: Vec<RawEntry>,
        }
        let raw: Raw = serde_json::from_value(value.clone()).map_err(|e| bad(e.to_string()))?;
        if raw.version != 1 {
            return Err(bad(format!("version {} is not 1", raw.version)));
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
            let cost: Pico = cost
                .parse()
                .ok()
                .filter(|c: &Pico| *c < 10u128.pow(30))
                .ok_or_else(|| {
                    bad(format!(
                        "entries[{i}]: cost {cost:?} is not a whole number of pico-dollars"
                    ))
                })?;
            let slot = (day, key, model, feature);
            if entries.contains_key(&slot) {
                return Err(bad(format!("entries[{i}] repeats an earlier entry")));
            }
            entries.insert(
                slot,
                Spend {
                    cost,
                    requests,
                    input_tokens,
                    output_tokens,
                },
            );
        }
        Ok(BudgetLedger {
            config: raw.config,
            entries,
        })
    }
}
