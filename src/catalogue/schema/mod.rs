//! The catalogue's file format (`data/models.json`, schema v2, documented
//! in data/README.md), read into the typed [`Model`] and written back.
//!
//! The same shape serves three readers: the bundled file, `registerModels`
//! specs (which may also name their `provider`, and may use schema v1's
//! `cacheWrite5m` / `cacheWrite1h` and top-level `tiers`), and what
//! `getModel` returns, so that a model read out can be registered again.

mod model;
mod prices;
mod write;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::{Billing, EstimateProfile, Provider};
use super::price::Price;
use crate::encodings::{truncate_for_message, Encoding};
use crate::error::{Error, Result};
use crate::time::Day;

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

pub(super) fn valid_id(id: &str, field: &str) -> Result<()> {
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

pub(super) fn optional_day(value: &Option<String>, field: &str) -> Result<Option<Day>> {
    value.as_deref().map(|d| Day::parse(d, field)).transpose()
}

pub(super) fn required<T>(value: Option<T>, field: &str, what: &str) -> Result<T> {
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

pub(super) fn factor(f: f64, field: &str) -> Result<u32> {
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
