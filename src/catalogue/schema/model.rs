//! Reading a model entry: ids, limits, lifecycle, tokenizer and price lists.

use std::collections::BTreeMap;

use super::{factor, optional_day, required, token_count, valid_id, RawModel, RawTokenizer};
use crate::catalogue::model::{
    EstimateProfile, Kind, Lifecycle, Model, TokenizerSpec, Units, WindowScope,
};
use crate::catalogue::price::PriceList;
use crate::encodings::Encoding;
use crate::error::{Error, Result};

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
        let limits = self.limits(field)?;
        let lifecycle = Lifecycle {
            release: optional_day(&self.release_date, &f("releaseDate"))?,
            deprecation: optional_day(&self.deprecation_date, &f("deprecationDate"))?,
            shutdown: optional_day(&self.shutdown_date, &f("shutdownDate"))?,
            replacement: self.replacement.clone(),
        };
        let (prices, price_history) = self.price_lists(field)?;
        Ok(Model {
            name: self.name.unwrap_or_else(|| self.id.clone()),
            provider: provider.to_string(),
            kind: Kind::parse(self.kind.as_deref().unwrap_or("chat"), &f("kind"))?,
            tokenizer: tokenizer(self.tokenizer, &f("tokenizer"), estimates)?,
            context_window: limits.context_window,
            window_scope: limits.window_scope,
            max_input_tokens: limits.max_input_tokens,
            max_output_tokens: limits.max_output_tokens,
            min_cacheable_tokens: limits.min_cacheable_tokens,
            lifecycle,
            prices,
            price_history,
            units: self.units.map(|u| Units {
                input: u.input,
                output: u.output,
            }),
            uncertain: self.uncertain,
            aliases: self.aliases,
            snapshots: self.snapshots,
            id: self.id,
        })
    }

    /// The window, what it covers, and the caps on input and output, which
    /// must fit in it.
    fn limits(&self, field: &str) -> Result<Limits> {
        let f = |k: &str| format!("{field}.{k}");
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
        Ok(Limits {
            context_window,
            window_scope,
            max_input_tokens,
            max_output_tokens,
            min_cacheable_tokens: optional_tokens(self.min_cacheable_tokens, "minCacheableTokens")?,
        })
    }

    /// The list in force now and the earlier ones, in date order.
    fn price_lists(&self, field: &str) -> Result<(PriceList, Vec<PriceList>)> {
        let f = |k: &str| format!("{field}.{k}");
        let mut prices = required(
            self.prices.clone(),
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
            prices.tiers.clone_from(&self.tiers);
        }
        let prices = prices.price_list(&f("prices"))?;
        let history = self
            .price_history
            .iter()
            .enumerate()
            .map(|(i, p)| p.price_list(&f(&format!("priceHistory[{i}]"))))
            .collect::<Result<Vec<_>>>()?;
        check_history(&prices, &history, field)?;
        Ok((prices, history))
    }
}

/// A model's limits, checked against each other.
struct Limits {
    context_window: u64,
    window_scope: WindowScope,
    max_input_tokens: Option<u64>,
    max_output_tokens: u64,
    min_cacheable_tokens: Option<u64>,
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
            exact: None,
        });
    };
    let encoding = |e: &str| {
        Encoding::from_name(e).map_err(|_| {
            Error::invalid(
                format!("{field}.encoding"),
                format!("unknown encoding {e:?}"),
            )
        })
    };
    match (t.encoding, t.estimate) {
        (Some(e), None) => encoding(&e).map(TokenizerSpec::Exact),
        // Exact where the build carries the encoding, else the estimate.
        (Some(e), Some(name)) => {
            let exact = encoding(&e)?;
            let raw = RawTokenizer {
                encoding: None,
                estimate: Some(name),
                factor: t.factor,
                method: t.method,
                exact: None,
            };
            match tokenizer(Some(raw), field, estimates)? {
                TokenizerSpec::Estimate {
                    encoding,
                    factor_per_mille,
                    method,
                    profile,
                    ..
                } => Ok(TokenizerSpec::Estimate {
                    encoding,
                    factor_per_mille,
                    method,
                    profile,
                    exact: Some(exact),
                }),
                exact @ TokenizerSpec::Exact(_) => Ok(exact),
            }
        }
        (None, Some(name)) => {
            if let (Some(p), None) = (estimates.get(&name), t.factor) {
                return Ok(TokenizerSpec::Estimate {
                    encoding: p.proxy,
                    factor_per_mille: p.factor_per_mille,
                    method: p.method.clone(),
                    profile: Some(name),
                    exact: None,
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
                exact: None,
            })
        }
        _ => Err(Error::invalid(
            field,
            "needs encoding (exact), estimate (a profile, or a proxy encoding), or both (exact where the build carries the encoding)",
        )),
    }
}
