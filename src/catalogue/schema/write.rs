//! Models and price lists back in the file's shape: what `getModel`
//! returns, and what `registerModels` accepts again.

use super::prices::weekday_names;
use super::{RawModel, RawPrices, RawTokenizer, RawUnits};
use crate::catalogue::model::{Model, TokenizerSpec};
use crate::catalogue::price::{Price, PriceList, Prices, ServiceTier, Tier};
use crate::time::Day;

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
                exact,
                ..
            } => RawTokenizer {
                // The exact encoding is kept even where this build estimates,
                // so that registerModels(getModel(id)) round-trips.
                encoding: exact.map(|e| e.name().to_string()),
                estimate: Some(encoding.name().to_string()),
                factor: Some(f64::from(*factor_per_mille) / 1000.0),
                method: Some(method.clone()),
                exact: Some(m.tokenizer.bundled_exact().is_some()),
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
