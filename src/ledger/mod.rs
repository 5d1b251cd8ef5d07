//! A budget ledger: daily spend per key (user) and in total, limits and alert
//! thresholds, by UTC day, serialisable so that a Worker can keep it in KV or
//! a Durable Object.
//!
//! Spend is integer pico-dollars, so a million small calls sum exactly.
//! Time is passed in (milliseconds since the Unix epoch): the ledger never
//! reads a clock, which keeps it deterministic and testable across midnight.
//!
//! Budgets that cannot be overspent under concurrency ([`reserve`]): a call
//! reserves its worst-case cost before it is made, and is settled at its
//! actual cost (or released) when it ends. Every admission decision (a
//! reservation, [`BudgetLedger::try_record`]) holds spent + open
//! reservations + the new amount to the key's and the global limit, so
//! calls admitted together can never take a key past its budget, however
//! many run at once. Reservations expire (a crashed caller's must not block
//! a key forever) and are part of the ledger's JSON ([`json`]).

mod json;
pub mod reserve;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalogue::{Catalogue, PriceList};
use crate::cost::{self, CostRequest, Pico, PriceQuery};
use crate::error::{Error, Result};
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
    /// How long a reservation stays open when it is neither settled nor
    /// released (a caller that crashed), in milliseconds: default 15
    /// minutes.
    #[serde(default = "default_reservation_ttl")]
    pub reservation_ttl_ms: u64,
}

fn default_alert() -> f64 {
    0.8
}
fn default_retention() -> u32 {
    DEFAULT_RETENTION_DAYS
}
fn default_reservation_ttl() -> u64 {
    reserve::DEFAULT_TTL_MS
}

impl Default for LedgerConfig {
    fn default() -> Self {
        LedgerConfig {
            per_key_daily_usd: None,
            global_daily_usd: None,
            key_limits_usd: BTreeMap::new(),
            alert_at: default_alert(),
            retention_days: default_retention(),
            reservation_ttl_ms: default_reservation_ttl(),
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
        reserve::check_ttl(self.reservation_ttl_ms, "reservationTtlMs")?;
        Ok(())
    }

    fn global_limit(&self) -> Option<Pico> {
        self.global_daily_usd
            .and_then(|v| cost::pico_from_usd(v, "globalDailyUsd").ok())
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
    /// The key's open reservations on the day.
    pub reserved: Pico,
    /// The tighter of the key's and the global remaining budget, open
    /// reservations taken off.
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
    /// Each day's spend by model.
    pub by_day_model: BTreeMap<(String, String), Spend>,
}

/// (day, key, model, feature)
type EntryKey = (String, String, String, String);

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BudgetLedger {
    config: LedgerConfig,
    entries: BTreeMap<EntryKey, Spend>,
    /// Open reservations, oldest first (a Vec: a ledger holds a handful).
    reservations: Vec<reserve::Reservation>,
}

/// What [`BudgetLedger::try_record`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct TryRecord {
    /// Whether the call fitted the budget and was recorded.
    pub recorded: bool,
    /// The call's cost, recorded or not.
    pub cost: Pico,
    /// The key's budget after it.
    pub check: Check,
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
            reservations: Vec::new(),
        })
    }

    pub fn config(&self) -> &LedgerConfig {
        &self.config
    }

    /// Records a finished call and returns its cost. The call is priced as
    /// `estimate_cost` prices it, at the prices in force at `now_ms`. It is
    /// recorded whatever the budget says (the money was spent); see
    /// [`BudgetLedger::try_record`] for a record held to the budget.
    pub fn record(
        &mut self,
        catalogue: &Catalogue,
        key: &str,
        call: &CostRequest,
        feature: Option<&str>,
        pricing: Option<&PriceList>,
        now_ms: f64,
    ) -> Result<Pico> {
        check_key(key)?;
        let at = Instant::from_ms(now_ms, "now")?;
        let cost = price(catalogue, call, pricing, at)?;
        self.add(at, key, call, feature, cost);
        Ok(cost)
    }

    /// Records a finished call only if its cost fits the key's and the
    /// global limit (with the open reservations); either way returns its
    /// cost and the key's budget. Spend may reach a limit exactly.
    pub fn try_record(
        &mut self,
        catalogue: &Catalogue,
        key: &str,
        call: &CostRequest,
        feature: Option<&str>,
        pricing: Option<&PriceList>,
        now_ms: f64,
    ) -> Result<TryRecord> {
        check_key(key)?;
        let at = Instant::from_ms(now_ms, "now")?;
        let cost = price(catalogue, call, pricing, at)?;
        let recorded = self.fits(key, at, cost);
        if recorded {
            self.add(at, key, call, feature, cost);
        }
        Ok(TryRecord {
            recorded,
            cost,
            check: self.check(key, now_ms)?,
        })
    }

    /// Adds a priced call to the day of `at`.
    fn add(
        &mut self,
        at: Instant,
        key: &str,
        call: &CostRequest,
        feature: Option<&str>,
        cost: Pico,
    ) {
        let day = at.day().to_string();
        let usage = &call.usage;
        let spend = self
            .entries
            .entry((
                day.clone(),
                key.to_string(),
                call.model.clone(),
                feature.unwrap_or("").to_string(),
            ))
            .or_default();
        spend.cost += cost;
        spend.requests += 1;
        spend.input_tokens = spend.input_tokens.saturating_add(usage.input_tokens);
        spend.output_tokens = spend.output_tokens.saturating_add(usage.output_tokens);
        self.prune(&day);
    }

    /// Whether `extra` more on the day of `at` keeps `key` and all keys
    /// within their limits, with the open reservations counted.
    fn fits(&self, key: &str, at: Instant, extra: Pico) -> bool {
        let day = at.day().to_string();
        let within = |limit: Option<Pico>, key: Option<&str>| {
            limit.is_none_or(|l| {
                self.spent_on(&day, key) + self.reserved_on(&day, key, at) + extra <= l
            })
        };
        within(self.config.key_limit(key), Some(key)) && within(self.config.global_limit(), None)
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
        Ok(self.spent_on(&utc_day(now_ms)?, key))
    }

    fn spent_on(&self, day: &str, key: Option<&str>) -> Pico {
        self.entries
            .iter()
            .filter(|((d, k, ..), _)| d == day && key.is_none_or(|key| k == key))
            .map(|(_, s)| s.cost)
            .sum()
    }

    /// Whether `key` may spend more today, and how much.
    pub fn check(&self, key: &str, now_ms: f64) -> Result<Check> {
        let at = Instant::from_ms(now_ms, "now")?;
        let day = at.day().to_string();
        let key_spent = self.spent_on(&day, Some(key));
        let all_spent = self.spent_on(&day, None);
        let key_reserved = self.reserved_on(&day, Some(key), at);
        let all_reserved = self.reserved_on(&day, None, at);
        let key_limit = self.config.key_limit(key);
        let global_limit = self.config.global_limit();
        let remaining_key = key_limit.map(|l| l.saturating_sub(key_spent + key_reserved));
        let remaining_global = global_limit.map(|l| l.saturating_sub(all_spent + all_reserved));
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
            reserved: key_reserved,
            remaining,
            limit: key_limit,
            alert,
        })
    }

    /// Every (day, key, model, feature) with its spend, oldest day first.
    pub fn entries(&self) -> impl Iterator<Item = (&EntryKey, &Spend)> {
        self.entries.iter()
    }

    /// Spend summed by day, by key, by model, by feature, and by day and
    /// model.
    pub fn report(&self) -> Report {
        self.report_of(None)
    }

    /// [`BudgetLedger::report`] of one key's spend only, with `Some(key)`.
    pub fn report_of(&self, key: Option<&str>) -> Report {
        let mut r = Report::default();
        for ((day, k, model, feature), s) in &self.entries {
            if key.is_some_and(|key| key != k) {
                continue;
            }
            for (map, name) in [
                (&mut r.by_day, day),
                (&mut r.by_key, k),
                (&mut r.by_model, model),
                (&mut r.by_feature, feature),
            ] {
                map.entry(name.clone()).or_default().add(s);
            }
            r.by_day_model
                .entry((day.clone(), model.clone()))
                .or_default()
                .add(s);
        }
        r
    }
}

impl Spend {
    fn add(&mut self, s: &Spend) {
        self.cost += s.cost;
        self.requests += s.requests;
        self.input_tokens = self.input_tokens.saturating_add(s.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(s.output_tokens);
    }
}

fn check_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > 256 {
        return Err(Error::invalid(
            "key",
            "must be a string of 1 to 256 characters",
        ));
    }
    Ok(())
}

/// A call's cost as `estimate_cost` gives it, at the prices in force at `at`.
fn price(
    catalogue: &Catalogue,
    call: &CostRequest,
    pricing: Option<&PriceList>,
    at: Instant,
) -> Result<Pico> {
    let q = PriceQuery {
        at,
        service_tier: call.service_tier.as_deref(),
    };
    Ok(cost::estimate_cost(catalogue, &call.model, &call.usage, &q, pricing)?.total)
}
