//! The catalogue's file format (`data/models.json`, schema v2, documented
//! in data/README.md), read into the typed [`Model`] and written back.
//!
//! The same shape serves three readers: the bundled file, `registerModels`
//! specs (which may also name their `provider`, and may use schema v1's
//! `cacheWrite5m` / `cacheWrite1h` and top-level `tiers`), and what
//! `getModel` returns, so that a model read out can be registered again.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::{Billing, EstimateProfile, Kind, Lifecycle, Model, TokenizerSpec, Units};
use super::model::{Provider, WindowScope};
use super::price::{Lifetime, Price, PriceList, Prices, ServiceTier, Tier, TimeWindow, ALL_DAYS};
use crate::encodings::{truncate_for_message, Encoding};
use crate::error::{Error, Result};
use crate::time::{parse_clock, Day};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawCatalogue {
    pub schema_version: u32,
    #[allow(dead_code)]
    pub currency: String,
    #[allow(dead_code)]
    pub price_unit: String,
    #[serde(default)]
    pub estimates: BTreeMap<String, RawEstimate>,
    pub providers: Vec<RawProvider>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawEstimate {
    pub proxy: String,
    pub factor: f64,
    pub method: String,
    pub source: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawProvider {
    pub id: String,
    pub name: String,
    pub as_of: String,
    pub source: String,
    pub billing: Option<RawBilling>,
    pub models: Vec<RawModel>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawBilling {
    pub unit: String,
    pub usd_per_million_units: f64,
    pub free_units_per_day: f64,
    pub source: String,
}

/// One model, as the file, a spec or `getModel` writes it.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawModel {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Specs only: the provider's id (default `custom`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub snapshots: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokenizer: Option<RawTokenizer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_window: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_window_covers: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_input_tokens: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_cacheable_tokens: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecation_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shutdown_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// Written by `getModel` (computed at the instant asked); ignored when read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices: Option<RawPrices>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub price_history: Vec<RawPrices>,
    /// Schema v1: long-context tiers beside the prices (v2 has them inside).
    #[serde(default, skip_serializing)]
    pub tiers: Vec<RawPrices>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<RawUnits>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertain: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawTokenizer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Written by `getModel`; ignored when read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<bool>,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawUnits {
    pub input: f64,
    pub output: f64,
}

/// A price list, a long-context tier, a service tier or a time window: one
/// shape, with the fields each may have checked where it is read.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawPrices {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub above_input_tokens: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// A time window's UTC weekdays ("mon" ... "sun"); every day when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_input: Option<f64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cache_writes: BTreeMap<String, f64>,
    /// Schema v1 spellings of `cacheWrites["5m"]` and `["1h"]`.
    #[serde(skip_serializing)]
    pub cache_write5m: Option<f64>,
    #[serde(skip_serializing)]
    pub cache_write1h: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_input: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_output: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<RawPrices>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub service_tiers: BTreeMap<String, RawPrices>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_windows: Vec<RawPrices>,
}

/// A whole, non-negative number of tokens that JavaScript can represent.
pub fn token_count(value: f64, field: &str) -> Result<u64> {
    whole_count(value, field, "tokens")
}

/// A whole, non-negative number of `unit` that JavaScript can represent.
pub fn whole_count(value: f64, field: &str, unit: &str) -> Result<u64> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if !value.is_finite() || value < 0.0 || value.fract() != 0.0 || value > MAX_SAFE {
        return Err(Error::invalid(
            field,
            format!("must be a whole number of {unit} from 0 to 2^53-1, got {value}"),
        ));
    }
    Ok(value as u64)
}

fn valid_id(id: &str, field: &str) -> Result<()> {
    if id.is_empty() || id.len() > 200 || id.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!(
                "{:?} is not a model id (1 to 200 printable characters)",
                truncate_for_message(id)
            ),
        ));
    }
    Ok(())
}

fn optional_day(value: &Option<String>, field: &str) -> Result<Option<Day>> {
    value.as_deref().map(|d| Day::parse(d, field)).transpose()
}

fn required<T>(value: Option<T>, field: &str, what: &str) -> Result<T> {
    value.ok_or_else(|| Error::invalid(field, format!("is required ({what})")))
}

impl RawEstimate {
    pub fn validate(self, name: &str, field: &str) -> Result<EstimateProfile> {
        let proxy = Encoding::from_name(&self.proxy)
            .map_err(|_| Error::invalid(format!("{field}.proxy"), "is not an encoding"))?;
        Ok(EstimateProfile {
            name: name.to_string(),
            proxy,
            factor_per_mille: factor(self.factor, &format!("{field}.factor"))?,
            method: self.method,
            source: self.source,
        })
    }
}

fn factor(f: f64, field: &str) -> Result<u32> {
    if !f.is_finite() || !(0.1..=10.0).contains(&f) {
        return Err(Error::invalid(
            field,
            format!("must be from 0.1 to 10, got {f}"),
        ));
    }
    Ok((f * 1000.0).round() as u32)
}

impl RawProvider {
    pub fn header(&self, field: &str) -> Result<Provider> {
        let billing = self
            .billing
            .as_ref()
            .map(|b| -> Result<Billing> {
                let f = format!("{field}.billing");
                Ok(Billing {
                    unit: b.unit.clone(),
                    price_per_million_units: Price::from_usd_per_million(
                        b.usd_per_million_units,
                        &format!("{f}.usdPerMillionUnits"),
                    )?,
                    free_units_per_day: whole_count(
                        b.free_units_per_day,
                        &format!("{f}.freeUnitsPerDay"),
                        "units",
                    )?,
                    source: b.source.clone(),
                })
            })
            .transpose()?;
        Ok(Provider {
            id: self.id.clone(),
            name: self.name.clone(),
            as_of: Day::parse(&self.as_of, &format!("{field}.asOf"))?,
            source: self.source.clone(),
            billing,
        })
    }
}

impl RawModel {
    /// The typed model. `estimates` resolves named estimate profiles.
    pub fn validate(
        self,
        provider: &str,
        field: &str,
        estimates: &BTreeMap<String, EstimateProfile>,
    ) -> Result<Model> {
        let f = |k: &str| format!("{field}.{k}");
        valid_id(&self.id, &f("id"))?;
        for (i, name) in self.aliases.iter().enumerate() {
            valid_id(name, &f(&format!("aliases[{i}]")))?;
        }
        for (i, name) in self.snapshots.iter().enumerate() {
            valid_id(name, &f(&format!("snapshots[{i}]")))?;
        }
        let context_window = token_count(
            required(self.context_window, &f("contextWindow"), "tokens")?,
            &f("contextWindow"),
        )?;
        let window_scope = match self.context_window_covers.as_deref() {
            None | Some("input+output") => WindowScope::InputAndOutput,
            Some("input") => WindowScope::Input,
            Some(other) => {
                return Err(Error::invalid(
                    f("contextWindowCovers"),
                    format!("{other:?} is not \"input+output\" or \"input\""),
                ))
            }
        };
        let max_output_tokens = token_count(
            required(self.max_output_tokens, &f("maxOutputTokens"), "tokens")?,
            &f("maxOutputTokens"),
        )?;
        let shared = window_scope == WindowScope::InputAndOutput;
        if context_window == 0
            || max_output_tokens == 0
            || (shared && max_output_tokens > context_window)
        {
            return Err(Error::invalid(
                f("maxOutputTokens"),
                format!("must be from 1 to the context window ({context_window})"),
            ));
        }
        let optional_tokens =
            |v: Option<f64>, k: &str| v.map(|v| token_count(v, &f(k))).transpose();
        let max_input_tokens = optional_tokens(self.max_input_tokens, "maxInputTokens")?;
        if max_input_tokens.is_some_and(|m| m == 0 || m > context_window) {
            return Err(Error::invalid(
                f("maxInputTokens"),
                format!("must be from 1 to the context window ({context_window})"),
            ));
        }
        let lifecycle = Lifecycle {
            release: optional_day(&self.release_date, &f("releaseDate"))?,
            deprecation: optional_day(&self.deprecation_date, &f("deprecationDate"))?,
            shutdown: optional_day(&self.shutdown_date, &f("shutdownDate"))?,
            replacement: self.replacement,
        };
        let mut prices = required(
            self.prices,
            &f("prices"),
            "input and output, USD per 1M tokens",
        )?;
        // Schema v1: tiers beside the prices.
        if !self.tiers.is_empty() {
            if !prices.tiers.is_empty() {
                return Err(Error::invalid(
                    f("tiers"),
                    "give the tiers inside prices, not beside them",
                ));
            }
            prices.tiers = self.tiers;
        }
        let prices = prices.price_list(&f("prices"))?;
        let price_history = self
            .price_history
            .into_iter()
            .enumerate()
            .map(|(i, p)| p.price_list(&f(&format!("priceHistory[{i}]"))))
            .collect::<Result<Vec<_>>>()?;
        check_history(&prices, &price_history, field)?;
        Ok(Model {
            name: self.name.unwrap_or_else(|| self.id.clone()),
            provider: provider.to_string(),
            kind: Kind::parse(self.kind.as_deref().unwrap_or("chat"), &f("kind"))?,
            aliases: self.aliases,
            snapshots: self.snapshots,
            tokenizer: tokenizer(self.tokenizer, &f("tokenizer"), estimates)?,
            context_window,
            window_scope,
            max_input_tokens,
            max_output_tokens,
            min_cacheable_tokens: optional_tokens(self.min_cacheable_tokens, "minCacheableTokens")?,
            lifecycle,
            prices,
            price_history,
            units: self.units.map(|u| Units {
                input: u.input,
                output: u.output,
            }),
            uncertain: self.uncertain,
            id: self.id,
        })
    }
}

/// Earlier lists come before the current one and each other, each ending
/// where (or before) the next begins, so that one list is in force a day.
fn check_history(current: &PriceList, history: &[PriceList], field: &str) -> Result<()> {
    let lists: Vec<&PriceList> = history.iter().chain(std::iter::once(current)).collect();
    for (i, pair) in lists.windows(2).enumerate() {
        let (older, newer) = match pair {
            [a, b] => (a, b),
            _ => continue,
        };
        let f = format!("{field}.priceHistory[{i}].until");
        let (Some(until), Some(from)) = (older.until, newer.from) else {
            return Err(Error::invalid(
                f,
                "an earlier price list needs `until`, and the list after it `from`",
            ));
        };
        if until > from || older.from.is_some_and(|f| f >= until) {
            return Err(Error::invalid(
                f,
                "price lists must be in date order without overlap",
            ));
        }
    }
    Ok(())
}

fn tokenizer(
    raw: Option<RawTokenizer>,
    field: &str,
    estimates: &BTreeMap<String, EstimateProfile>,
) -> Result<TokenizerSpec> {
    let Some(t) = raw else {
        return Ok(TokenizerSpec::Estimate {
            encoding: Encoding::O200kBase,
            factor_per_mille: 1000,
            method: "no tokenizer given: o200k_base count".to_string(),
            profile: None,
        });
    };
    match (t.encoding, t.estimate) {
        (Some(e), None) => Encoding::from_name(&e)
            .map(TokenizerSpec::Exact)
            .map_err(|_| {
                Error::invalid(
                    format!("{field}.encoding"),
                    format!("unknown encoding {e:?}"),
                )
            }),
        (None, Some(name)) => {
            if let (Some(p), None) = (estimates.get(&name), t.factor) {
                return Ok(TokenizerSpec::Estimate {
                    encoding: p.proxy,
                    factor_per_mille: p.factor_per_mille,
                    method: p.method.clone(),
                    profile: Some(name),
                });
            }
            let encoding = Encoding::from_name(&name).map_err(|_| {
                Error::invalid(
                    format!("{field}.estimate"),
                    format!("{name:?} is neither an estimate profile nor an encoding"),
                )
            })?;
            let f = t.factor.unwrap_or(1.0);
            Ok(TokenizerSpec::Estimate {
                encoding,
                factor_per_mille: factor(f, &format!("{field}.factor"))?,
                method: t.method.unwrap_or_else(|| format!("{name} count x {f}")),
                profile: None,
            })
        }
        _ => Err(Error::invalid(
            field,
            "needs exactly one of encoding (exact) or estimate (a profile, or a proxy encoding)",
        )),
    }
}

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

fn weekday_names(bits: u8) -> Option<Vec<String>> {
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

// ---- back to the file format ----------------------------------------------

fn usd(p: Price) -> f64 {
    p.usd_per_million()
}

fn raw_prices(p: &Prices) -> RawPrices {
    RawPrices {
        input: Some(usd(p.input)),
        output: Some(usd(p.output)),
        cached_input: p.cached_input.map(usd),
        cache_writes: p
            .cache_writes
            .iter()
            .map(|(l, p)| (l.to_string(), usd(*p)))
            .collect(),
        batch_input: p.batch_input.map(usd),
        batch_output: p.batch_output.map(usd),
        ..RawPrices::default()
    }
}

fn raw_tiers(tiers: &[Tier]) -> Vec<RawPrices> {
    tiers
        .iter()
        .map(|t| RawPrices {
            above_input_tokens: Some(t.above_input_tokens as f64),
            ..raw_prices(&t.prices)
        })
        .collect()
}

fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl From<&PriceList> for RawPrices {
    fn from(list: &PriceList) -> RawPrices {
        let service_tiers = list
            .service_tiers
            .iter()
            .map(|(name, t)| {
                let raw = match t {
                    ServiceTier::Multiplier(m) => RawPrices {
                        multiplier: Some(*m as f64 / 1e6),
                        ..RawPrices::default()
                    },
                    ServiceTier::Prices { prices, tiers } => RawPrices {
                        tiers: raw_tiers(tiers),
                        ..raw_prices(prices)
                    },
                };
                (name.clone(), raw)
            })
            .collect();
        let time_windows = list
            .time_windows
            .iter()
            .map(|w| RawPrices {
                name: Some(w.name.clone()),
                start: Some(clock(w.start)),
                end: Some(clock(w.end)),
                days: weekday_names(w.days),
                ..raw_prices(&w.prices)
            })
            .collect();
        RawPrices {
            from: list.from.map(|d| d.to_string()),
            until: list.until.map(|d| d.to_string()),
            tiers: raw_tiers(&list.tiers),
            service_tiers,
            time_windows,
            ..raw_prices(&list.prices)
        }
    }
}

impl RawModel {
    /// The model in the file's shape, with its provider and its status at
    /// the instant the caller asked about.
    pub fn of(m: &Model, status: &str) -> RawModel {
        let tokenizer = match &m.tokenizer {
            TokenizerSpec::Exact(e) => RawTokenizer {
                encoding: Some(e.name().to_string()),
                exact: Some(true),
                ..RawTokenizer::default()
            },
            TokenizerSpec::Estimate {
                encoding,
                factor_per_mille,
                method,
                ..
            } => RawTokenizer {
                estimate: Some(encoding.name().to_string()),
                factor: Some(f64::from(*factor_per_mille) / 1000.0),
                method: Some(method.clone()),
                exact: Some(false),
                ..RawTokenizer::default()
            },
        };
        let day = |d: Option<Day>| d.map(|d| d.to_string());
        RawModel {
            id: m.id.clone(),
            name: Some(m.name.clone()),
            provider: Some(m.provider.clone()),
            kind: Some(m.kind.as_str().to_string()),
            aliases: m.aliases.clone(),
            snapshots: m.snapshots.clone(),
            tokenizer: Some(tokenizer),
            context_window: Some(m.context_window as f64),
            context_window_covers: Some(m.window_scope.as_str().to_string()),
            max_input_tokens: m.max_input_tokens.map(|n| n as f64),
            max_output_tokens: Some(m.max_output_tokens as f64),
            min_cacheable_tokens: m.min_cacheable_tokens.map(|n| n as f64),
            release_date: day(m.lifecycle.release),
            deprecation_date: day(m.lifecycle.deprecation),
            shutdown_date: day(m.lifecycle.shutdown),
            replacement: m.lifecycle.replacement.clone(),
            status: Some(status.to_string()),
            prices: Some(RawPrices::from(&m.prices)),
            price_history: m.price_history.iter().map(RawPrices::from).collect(),
            tiers: Vec::new(),
            units: m.units.map(|u| RawUnits {
                input: u.input,
                output: u.output,
            }),
            uncertain: m.uncertain.clone(),
        }
    }
}
