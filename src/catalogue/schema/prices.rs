//! Reading price lists: their prices, long-context tiers, service tiers and
//! time windows, each shape with the fields it may have.

use std::collections::BTreeMap;

use super::{optional_day, required, token_count, RawPrices};
use crate::catalogue::price::{
    Lifetime, Price, PriceList, Prices, ServiceTier, Tier, TimeWindow, ALL_DAYS,
};
use crate::error::{Error, Result};
use crate::time::parse_clock;

impl RawPrices {
    /// Fields that only some of the shapes may carry, named for the error.
    fn refuse(&self, field: &str, what: &str, names: &[&str]) -> Result<()> {
        let present = [
            ("from", self.from.is_some()),
            ("until", self.until.is_some()),
            ("aboveInputTokens", self.above_input_tokens.is_some()),
            ("name", self.name.is_some()),
            ("start", self.start.is_some()),
            ("end", self.end.is_some()),
            ("days", self.days.is_some()),
            ("multiplier", self.multiplier.is_some()),
            ("tiers", !self.tiers.is_empty()),
            ("serviceTiers", !self.service_tiers.is_empty()),
            ("timeWindows", !self.time_windows.is_empty()),
        ];
        match present.iter().find(|(k, on)| *on && names.contains(k)) {
            Some((k, _)) => Err(Error::invalid(
                format!("{field}.{k}"),
                format!("does not belong in {what}"),
            )),
            None => Ok(()),
        }
    }

    /// The price fields, missing ones taken from `base` (tiers, windows,
    /// service tiers); without a base, input and output are required.
    fn prices(&self, field: &str, base: Option<&Prices>) -> Result<Prices> {
        let price = |v: Option<f64>, name: &str| -> Result<Option<Price>> {
            v.map(|v| Price::from_usd_per_million(v, &format!("{field}.{name}")))
                .transpose()
        };
        let need = |v: Option<f64>, name: &str, fallback: Option<Price>| -> Result<Price> {
            price(v, name)?.or(fallback).ok_or_else(|| {
                Error::invalid(format!("{field}.{name}"), "is required (USD per 1M tokens)")
            })
        };
        let mut writes: BTreeMap<Lifetime, Price> = base
            .map(|b| b.cache_writes.iter().copied().collect())
            .unwrap_or_default();
        let v1 = [("5m", self.cache_write5m), ("1h", self.cache_write1h)];
        let named = self
            .cache_writes
            .iter()
            .map(|(k, v)| (k.as_str(), Some(*v)));
        for (key, value) in named.chain(v1) {
            let Some(value) = value else { continue };
            let f = format!("{field}.cacheWrites.{key}");
            let lifetime = Lifetime::parse(key, &f)?;
            writes.insert(lifetime, Price::from_usd_per_million(value, &f)?);
        }
        Ok(Prices {
            input: need(self.input, "input", base.map(|b| b.input))?,
            output: need(self.output, "output", base.map(|b| b.output))?,
            cached_input: price(self.cached_input, "cachedInput")?
                .or(base.and_then(|b| b.cached_input)),
            cache_writes: writes.into_iter().collect(),
            batch_input: price(self.batch_input, "batchInput")?
                .or(base.and_then(|b| b.batch_input)),
            batch_output: price(self.batch_output, "batchOutput")?
                .or(base.and_then(|b| b.batch_output)),
        })
    }

    /// A model's price list (or an earlier one).
    pub fn price_list(&self, field: &str) -> Result<PriceList> {
        self.refuse(
            field,
            "a price list",
            &["aboveInputTokens", "name", "start", "end", "multiplier"],
        )?;
        let prices = self.prices(field, None)?;
        let tiers = tiers(&self.tiers, &format!("{field}.tiers"), &prices)?;
        let mut windows = Vec::with_capacity(self.time_windows.len());
        for (i, w) in self.time_windows.iter().enumerate() {
            let wf = format!("{field}.timeWindows[{i}]");
            w.refuse(
                &wf,
                "a time window",
                &[
                    "from",
                    "until",
                    "aboveInputTokens",
                    "multiplier",
                    "tiers",
                    "serviceTiers",
                    "timeWindows",
                ],
            )?;
            let (start, end) = (
                parse_clock(w.start.as_deref().unwrap_or(""), &format!("{wf}.start"))?,
                parse_clock(w.end.as_deref().unwrap_or(""), &format!("{wf}.end"))?,
            );
            if start == end {
                return Err(Error::invalid(
                    format!("{wf}.end"),
                    "must differ from start",
                ));
            }
            windows.push(TimeWindow {
                name: required(w.name.clone(), &format!("{wf}.name"), "a string")?,
                start,
                end,
                days: weekdays(w.days.as_deref(), &format!("{wf}.days"))?,
                prices: w.prices(&wf, Some(&prices))?,
            });
        }
        if !windows.is_empty() && !tiers.is_empty() {
            return Err(Error::invalid(
                format!("{field}.timeWindows"),
                "a price list has long-context tiers or time windows, not both",
            ));
        }
        let mut service_tiers = Vec::with_capacity(self.service_tiers.len());
        for (name, t) in &self.service_tiers {
            let sf = format!("{field}.serviceTiers.{name}");
            service_tiers.push((name.clone(), service_tier(t, &sf, &prices)?));
        }
        Ok(PriceList {
            from: optional_day(&self.from, &format!("{field}.from"))?,
            until: optional_day(&self.until, &format!("{field}.until"))?,
            prices,
            tiers,
            service_tiers,
            time_windows: windows,
        })
    }
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A set of weekdays as bits, Monday first; every day when absent.
fn weekdays(days: Option<&[String]>, field: &str) -> Result<u8> {
    let Some(days) = days else {
        return Ok(ALL_DAYS);
    };
    let mut bits = 0u8;
    for (i, d) in days.iter().enumerate() {
        let at = WEEKDAYS.iter().position(|w| w == d).ok_or_else(|| {
            Error::invalid(
                format!("{field}[{i}]"),
                format!("{d:?} is not a weekday (mon, tue, wed, thu, fri, sat, sun)"),
            )
        })?;
        bits |= 1 << at;
    }
    if bits == 0 {
        return Err(Error::invalid(field, "names no day"));
    }
    Ok(bits)
}

pub(super) fn weekday_names(bits: u8) -> Option<Vec<String>> {
    (bits != ALL_DAYS).then(|| {
        WEEKDAYS
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, d)| d.to_string())
            .collect()
    })
}

fn tiers(raw: &[RawPrices], field: &str, base: &Prices) -> Result<Vec<Tier>> {
    raw.iter()
        .enumerate()
        .map(|(i, t)| {
            let tf = format!("{field}[{i}]");
            t.refuse(
                &tf,
                "a long-context tier",
                &[
                    "from",
                    "until",
                    "name",
                    "start",
                    "end",
                    "multiplier",
                    "tiers",
                    "serviceTiers",
                    "timeWindows",
                ],
            )?;
            let above = required(
                t.above_input_tokens,
                &format!("{tf}.aboveInputTokens"),
                "tokens",
            )?;
            Ok(Tier {
                above_input_tokens: token_count(above, &format!("{tf}.aboveInputTokens"))?,
                prices: t.prices(&tf, Some(base))?,
            })
        })
        .collect()
}

fn service_tier(t: &RawPrices, field: &str, base: &Prices) -> Result<ServiceTier> {
    t.refuse(
        field,
        "a service tier",
        &[
            "from",
            "until",
            "aboveInputTokens",
            "name",
            "start",
            "end",
            "serviceTiers",
            "timeWindows",
        ],
    )?;
    let Some(m) = t.multiplier else {
        let prices = t.prices(field, Some(base))?;
        let tiers = tiers(&t.tiers, &format!("{field}.tiers"), &prices)?;
        return Ok(ServiceTier::Prices { prices, tiers });
    };
    let has_price = t.input.is_some() || t.output.is_some() || t.cached_input.is_some();
    if has_price || !t.tiers.is_empty() || !t.cache_writes.is_empty() {
        return Err(Error::invalid(
            format!("{field}.multiplier"),
            "a service tier has a multiplier or prices, not both",
        ));
    }
    let micro = (m * 1e6).round();
    if !m.is_finite() || !(0.01..=100.0).contains(&m) || (m * 1e6 - micro).abs() > 1e-3 {
        return Err(Error::invalid(
            format!("{field}.multiplier"),
            format!("must be from 0.01 to 100 with at most 6 decimals, got {m}"),
        ));
    }
    Ok(ServiceTier::Multiplier(micro as u64))
}
