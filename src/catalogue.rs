//! The model catalogue: context windows, output limits, tokenizers and list
//! prices, loaded from `data/models.json` (the only copy) and extendable at
//! run time with [`register_models`].
//!
//! Prices are kept as integer micro-dollars per million tokens, which is the
//! same number as pico-dollars per token: a cost is then `tokens x price`
//! in integer pico-dollars, exact for any token count a caller can pass.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use serde::{Deserialize, Serialize};

use crate::encodings::{truncate_for_message, Encoding};
use crate::error::{Error, ErrorCode, Result};
use crate::tokens::TokenizerInfo;

/// A price in micro-USD per 1M tokens (= pico-USD per token).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Price(pub u64);

impl Price {
    /// Largest accepted price: $1,000,000 per 1M tokens. Far above any real
    /// price, and small enough that no cost computation can overflow.
    pub const MAX_USD_PER_MILLION: f64 = 1_000_000.0;

    /// From USD per 1M tokens, which must be finite, non-negative and have at
    /// most 6 decimal places.
    pub fn from_usd_per_million(value: f64, field: &str) -> Result<Price> {
        if !value.is_finite() || value < 0.0 {
            return Err(Error::invalid(
                field,
                format!("must be a non-negative number of USD per 1M tokens, got {value}"),
            ));
        }
        if value > Self::MAX_USD_PER_MILLION {
            return Err(Error::invalid(
                field,
                format!("{value} USD per 1M tokens is beyond the accepted maximum of 1000000"),
            ));
        }
        let micro = value * 1e6;
        let rounded = micro.round();
        if (micro - rounded).abs() > 1e-3 {
            return Err(Error::invalid(
                field,
                format!("{value} has more than 6 decimal places"),
            ));
        }
        Ok(Price(rounded as u64))
    }

    pub fn usd_per_million(self) -> f64 {
        self.0 as f64 / 1e6
    }
}

/// Prices of one model (or of one long-context tier), per kind of token.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prices {
    pub input: Price,
    pub output: Price,
    /// Cache reads. `None`: the provider has no prompt caching for the model.
    pub cached_input: Option<Price>,
    /// Cache writes with a 5-minute TTL, where they are charged.
    pub cache_write_5m: Option<Price>,
    /// Cache writes with a 1-hour TTL, where they are charged.
    pub cache_write_1h: Option<Price>,
    pub batch_input: Option<Price>,
    pub batch_output: Option<Price>,
}

/// Prices that replace the base prices for the whole request when its input
/// passes `above_input_tokens` (Gemini 2.5 Pro, Claude Sonnet 4 with 1M ...).
#[derive(Clone, Debug, PartialEq)]
pub struct Tier {
    pub above_input_tokens: u64,
    pub prices: Prices,
}

/// How a model's tokens are counted, as the catalogue states it.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenizerSpec {
    Exact(Encoding),
    Estimate {
        encoding: Encoding,
        factor_per_mille: u32,
        method: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub kind: String,
    pub aliases: Vec<String>,
    pub snapshots: Vec<String>,
    pub tokenizer: TokenizerSpec,
    pub context_window: u64,
    pub max_output_tokens: u64,
    pub prices: Prices,
    pub tiers: Vec<Tier>,
    pub uncertain: Option<String>,
}

impl Model {
    pub fn tokenizer_info(&self) -> TokenizerInfo {
        match &self.tokenizer {
            TokenizerSpec::Exact(encoding) => TokenizerInfo {
                encoding: *encoding,
                exact: true,
                method: "tiktoken".to_string(),
                factor_per_mille: 1000,
            },
            TokenizerSpec::Estimate {
                encoding,
                factor_per_mille,
                method,
            } => TokenizerInfo {
                encoding: *encoding,
                exact: false,
                method: method.clone(),
                factor_per_mille: *factor_per_mille,
            },
        }
    }

    /// The prices that apply to a request with `input_tokens` input tokens:
    /// the highest tier it passes, else the base prices. A tier's missing
    /// fields fall back to the base prices.
    pub fn prices_for(&self, input_tokens: u64) -> Prices {
        let tier = self
            .tiers
            .iter()
            .filter(|t| input_tokens > t.above_input_tokens)
            .max_by_key(|t| t.above_input_tokens);
        match tier {
            None => self.prices.clone(),
            Some(t) => t.prices.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub as_of: String,
    pub source: String,
}

/// A validated catalogue: every id, alias and snapshot resolves to one model.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    pub providers: Vec<Provider>,
    pub models: Vec<Model>,
    index: HashMap<String, usize>,
}

impl Catalogue {
    /// Parses and validates a catalogue file (the `data/models.json` shape).
    pub fn from_json(json: &str) -> Result<Catalogue> {
        let raw: RawCatalogue = serde_json::from_str(json)
            .map_err(|e| Error::new(ErrorCode::InvalidCatalogue, format!("catalogue JSON: {e}")))?;
        let mut catalogue = Catalogue::default();
        for (p, provider) in raw.providers.into_iter().enumerate() {
            for (m, model) in provider.models.into_iter().enumerate() {
                let field = format!("providers[{p}].models[{m}]");
                let model = model
                    .validate(&provider.id, &field)
                    .map_err(as_catalogue_error)?;
                catalogue.insert(model).map_err(as_catalogue_error)?;
            }
            catalogue.providers.push(Provider {
                id: provider.id,
                name: provider.name,
                as_of: provider.as_of,
                source: provider.source,
            });
        }
        Ok(catalogue)
    }

    /// Adds `model`, or replaces the model with the same id. Its aliases and
    /// snapshots must not name another model.
    fn insert(&mut self, model: Model) -> Result<()> {
        let existing = self
            .index
            .get(&model.id)
            .copied()
            .filter(|&i| self.models.get(i).is_some_and(|m| m.id == model.id));
        for name in std::iter::once(&model.id)
            .chain(&model.aliases)
            .chain(&model.snapshots)
        {
            if let Some(&i) = self.index.get(name) {
                if Some(i) != existing {
                    let other = self.models.get(i).map_or("", |m| m.id.as_str());
                    return Err(Error::invalid(
                        "id",
                        format!(
                            "{name:?} of model {:?} already names model {other:?}",
                            model.id
                        ),
                    ));
                }
            }
        }
        let slot = match existing {
            Some(i) => {
                if let Some(old) = self.models.get(i) {
                    let old_names: Vec<String> =
                        old.aliases.iter().chain(&old.snapshots).cloned().collect();
                    for name in old_names {
                        self.index.remove(&name);
                    }
                }
                i
            }
            None => {
                self.models.push(model.clone());
                self.models.len() - 1
            }
        };
        for name in std::iter::once(&model.id)
            .chain(&model.aliases)
            .chain(&model.snapshots)
        {
            self.index.insert(name.clone(), slot);
        }
        if let Some(m) = self.models.get_mut(slot) {
            *m = model;
        }
        Ok(())
    }

    /// The model an id, alias or snapshot names.
    pub fn get(&self, id: &str) -> Option<&Model> {
        self.models.get(*self.index.get(id)?)
    }

    /// Every id, alias and snapshot.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.index.keys().map(String::as_str)
    }
}

fn as_catalogue_error(e: Error) -> Error {
    e.with_code(ErrorCode::InvalidCatalogue)
}

/// The catalogue in use: the bundled file plus what was registered since.
fn current() -> Arc<Catalogue> {
    lock().read().map(|c| Arc::clone(&c)).unwrap_or_default()
}

fn lock() -> &'static RwLock<Arc<Catalogue>> {
    static CATALOGUE: OnceLock<RwLock<Arc<Catalogue>>> = OnceLock::new();
    CATALOGUE.get_or_init(|| RwLock::new(Arc::new(bundled().clone())))
}

/// The catalogue shipped in this build, as `data/models.json` has it.
pub fn bundled() -> &'static Catalogue {
    static BUNDLED: OnceLock<Catalogue> = OnceLock::new();
    // The bundled file is validated by `cargo test`; if it were broken, an
    // empty catalogue (every lookup: UNKNOWN_MODEL) beats a panic.
    BUNDLED.get_or_init(|| {
        Catalogue::from_json(include_str!("../data/models.json")).unwrap_or_default()
    })
}

/// Every model of the catalogue in use, in catalogue order.
pub fn list_models() -> Vec<Model> {
    current().models.clone()
}

/// The providers of the catalogue in use, with their price dates and sources.
pub fn list_providers() -> Vec<Provider> {
    current().providers.clone()
}

/// The model `id` names (an id, alias or dated snapshot).
pub fn get_model(id: &str) -> Option<Model> {
    current().get(id).cloned()
}

/// Every name the catalogue in use knows.
pub fn model_ids() -> Vec<String> {
    current().names().map(str::to_string).collect()
}

pub(crate) fn tokenizer_info(model: &str) -> Option<TokenizerInfo> {
    current().get(model).map(Model::tokenizer_info)
}

/// Adds or replaces models, all or nothing: if any spec is invalid, nothing
/// changes and the error names the spec and field. Returns the ids added or
/// replaced.
pub fn register_models(specs: &serde_json::Value) -> Result<Vec<String>> {
    let specs: Vec<RawModel> = serde_json::from_value(specs.clone()).map_err(|e| {
        Error::field(
            ErrorCode::InvalidCatalogue,
            "specs",
            format!("expected an array of model objects: {e}"),
        )
    })?;
    let mut models = Vec::with_capacity(specs.len());
    for (i, spec) in specs.into_iter().enumerate() {
        let provider = spec
            .provider
            .clone()
            .unwrap_or_else(|| "custom".to_string());
        models.push(
            spec.validate(&provider, &format!("specs[{i}]"))
                .map_err(as_catalogue_error)?,
        );
    }
    let mut guard = lock()
        .write()
        .map_err(|_| Error::new(ErrorCode::InvalidCatalogue, "catalogue lock poisoned"))?;
    let mut next = Catalogue::clone(&guard);
    let mut ids = Vec::with_capacity(models.len());
    for model in models {
        ids.push(model.id.clone());
        next.insert(model).map_err(as_catalogue_error)?;
    }
    *guard = Arc::new(next);
    Ok(ids)
}

/// Back to the bundled catalogue.
pub fn reset_models() {
    if let Ok(mut guard) = lock().write() {
        *guard = Arc::new(bundled().clone());
    }
}

/// Parses a `{ input, output, ... }` price object (USD per 1M tokens), as in
/// the catalogue file and in per-call `pricing` overrides.
pub fn prices_from_json(value: &serde_json::Value, field: &str) -> Result<Prices> {
    let raw: RawPrices = serde_json::from_value(value.clone())
        .map_err(|e| Error::invalid(field, format!("expected a price object: {e}")))?;
    raw.validate(field, None)
}

// ---- the file format -------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawCatalogue {
    #[allow(dead_code)]
    schema_version: u32,
    #[allow(dead_code)]
    currency: String,
    #[allow(dead_code)]
    price_unit: String,
    providers: Vec<RawProvider>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawProvider {
    id: String,
    name: String,
    as_of: String,
    source: String,
    models: Vec<RawModel>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawModel {
    id: String,
    name: Option<String>,
    provider: Option<String>,
    kind: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    snapshots: Vec<String>,
    tokenizer: Option<RawTokenizer>,
    context_window: Option<f64>,
    max_output_tokens: Option<f64>,
    prices: Option<RawPrices>,
    #[serde(default)]
    tiers: Vec<RawTier>,
    uncertain: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawTokenizer {
    encoding: Option<String>,
    estimate: Option<String>,
    factor: Option<f64>,
    method: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawPrices {
    input: Option<f64>,
    output: Option<f64>,
    cached_input: Option<f64>,
    cache_write5m: Option<f64>,
    cache_write1h: Option<f64>,
    batch_input: Option<f64>,
    batch_output: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawTier {
    above_input_tokens: f64,
    input: Option<f64>,
    output: Option<f64>,
    cached_input: Option<f64>,
    cache_write5m: Option<f64>,
    cache_write1h: Option<f64>,
    batch_input: Option<f64>,
    batch_output: Option<f64>,
}

/// A whole, non-negative number of tokens that JavaScript can represent.
pub(crate) fn token_count(value: f64, field: &str) -> Result<u64> {
    whole_count(value, field, "tokens")
}

/// A whole, non-negative number of `unit` (tokens, days ...) that JavaScript
/// can represent; the error says which unit.
pub(crate) fn whole_count(value: f64, field: &str, unit: &str) -> Result<u64> {
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

impl RawModel {
    fn validate(self, provider: &str, field: &str) -> Result<Model> {
        valid_id(&self.id, &format!("{field}.id"))?;
        for (i, name) in self.aliases.iter().enumerate() {
            valid_id(name, &format!("{field}.aliases[{i}]"))?;
        }
        for (i, name) in self.snapshots.iter().enumerate() {
            valid_id(name, &format!("{field}.snapshots[{i}]"))?;
        }
        let prices = self
            .prices
            .ok_or_else(|| {
                Error::invalid(
                    format!("{field}.prices"),
                    "is required (input and output, USD per 1M tokens)",
                )
            })?
            .validate(&format!("{field}.prices"), None)?;
        let context_window = token_count(
            self.context_window
                .ok_or_else(|| Error::invalid(format!("{field}.contextWindow"), "is required"))?,
            &format!("{field}.contextWindow"),
        )?;
        let max_output_tokens = token_count(
            self.max_output_tokens
                .ok_or_else(|| Error::invalid(format!("{field}.maxOutputTokens"), "is required"))?,
            &format!("{field}.maxOutputTokens"),
        )?;
        if context_window == 0 || max_output_tokens == 0 || max_output_tokens > context_window {
            return Err(Error::invalid(
                format!("{field}.maxOutputTokens"),
                format!("must be from 1 to the context window ({context_window})"),
            ));
        }
        let tokenizer = match self.tokenizer {
            None => TokenizerSpec::Estimate {
                encoding: Encoding::O200kBase,
                factor_per_mille: 1000,
                method: "no tokenizer given: o200k_base count".to_string(),
            },
            Some(t) => t.validate(&format!("{field}.tokenizer"))?,
        };
        let mut tiers = Vec::with_capacity(self.tiers.len());
        for (i, tier) in self.tiers.into_iter().enumerate() {
            let tf = format!("{field}.tiers[{i}]");
            let above = token_count(tier.above_input_tokens, &format!("{tf}.aboveInputTokens"))?;
            let raw = RawPrices {
                input: tier.input,
                output: tier.output,
                cached_input: tier.cached_input,
                cache_write5m: tier.cache_write5m,
                cache_write1h: tier.cache_write1h,
                batch_input: tier.batch_input,
                batch_output: tier.batch_output,
            };
            tiers.push(Tier {
                above_input_tokens: above,
                prices: raw.validate(&tf, Some(&prices))?,
            });
        }
        Ok(Model {
            name: self.name.unwrap_or_else(|| self.id.clone()),
            id: self.id,
            provider: provider.to_string(),
            kind: self.kind.unwrap_or_else(|| "chat".to_string()),
            aliases: self.aliases,
            snapshots: self.snapshots,
            tokenizer,
            context_window,
            max_output_tokens,
            prices,
            tiers,
            uncertain: self.uncertain,
        })
    }
}

impl RawTokenizer {
    fn validate(self, field: &str) -> Result<TokenizerSpec> {
        match (self.encoding, self.estimate) {
            (Some(e), None) => Ok(TokenizerSpec::Exact(Encoding::from_name(&e).map_err(
                |_| {
                    Error::invalid(
                        format!("{field}.encoding"),
                        format!("unknown encoding {e:?}"),
                    )
                },
            )?)),
            (None, Some(e)) => {
                let encoding = Encoding::from_name(&e).map_err(|_| {
                    Error::invalid(
                        format!("{field}.estimate"),
                        format!("unknown encoding {e:?}"),
                    )
                })?;
                let factor = self.factor.unwrap_or(1.0);
                if !factor.is_finite() || !(0.1..=10.0).contains(&factor) {
                    return Err(Error::invalid(
                        format!("{field}.factor"),
                        format!("must be from 0.1 to 10, got {factor}"),
                    ));
                }
                Ok(TokenizerSpec::Estimate {
                    encoding,
                    factor_per_mille: (factor * 1000.0).round() as u32,
                    method: self
                        .method
                        .unwrap_or_else(|| format!("{e} count x {factor}")),
                })
            }
            _ => Err(Error::invalid(
                field,
                "needs exactly one of encoding (exact) or estimate (proxy encoding)",
            )),
        }
    }
}

impl RawPrices {
    /// With `base`, missing fields are taken from it (a tier); without, input
    /// and output are required.
    fn validate(self, field: &str, base: Option<&Prices>) -> Result<Prices> {
        let price = |v: Option<f64>, name: &str| -> Result<Option<Price>> {
            v.map(|v| Price::from_usd_per_million(v, &format!("{field}.{name}")))
                .transpose()
        };
        let required = |v: Option<f64>, name: &str, fallback: Option<Price>| -> Result<Price> {
            price(v, name)?.or(fallback).ok_or_else(|| {
                Error::invalid(format!("{field}.{name}"), "is required (USD per 1M tokens)")
            })
        };
        Ok(Prices {
            input: required(self.input, "input", base.map(|b| b.input))?,
            output: required(self.output, "output", base.map(|b| b.output))?,
            cached_input: price(self.cached_input, "cachedInput")?
                .or(base.and_then(|b| b.cached_input)),
            cache_write_5m: price(self.cache_write5m, "cacheWrite5m")?
                .or(base.and_then(|b| b.cache_write_5m)),
            cache_write_1h: price(self.cache_write1h, "cacheWrite1h")?
                .or(base.and_then(|b| b.cache_write_1h)),
            batch_input: price(self.batch_input, "batchInput")?
                .or(base.and_then(|b| b.batch_input)),
            batch_output: price(self.batch_output, "batchOutput")?
                .or(base.and_then(|b| b.batch_output)),
        })
    }
}

// ---- back to the file format ----------------------------------------------

impl Prices {
    /// The `{ input, output, ... }` object of the catalogue file, in USD per
    /// 1M tokens; absent prices are left out.
    pub fn to_json(&self) -> serde_json::Value {
        let mut o = serde_json::Map::new();
        let mut put = |k: &str, p: Option<Price>| {
            if let Some(p) = p {
                o.insert(k.to_string(), p.usd_per_million().into());
            }
        };
        put("input", Some(self.input));
        put("output", Some(self.output));
        put("cachedInput", self.cached_input);
        put("cacheWrite5m", self.cache_write_5m);
        put("cacheWrite1h", self.cache_write_1h);
        put("batchInput", self.batch_input);
        put("batchOutput", self.batch_output);
        serde_json::Value::Object(o)
    }
}

impl Model {
    /// The model as the catalogue file writes it (what `getModel` returns).
    pub fn to_json(&self) -> serde_json::Value {
        let tokenizer = match &self.tokenizer {
            TokenizerSpec::Exact(e) => serde_json::json!({ "encoding": e.name(), "exact": true }),
            TokenizerSpec::Estimate {
                encoding,
                factor_per_mille,
                method,
            } => serde_json::json!({
                "estimate": encoding.name(),
                "exact": false,
                "factor": f64::from(*factor_per_mille) / 1000.0,
                "method": method,
            }),
        };
        let tiers: Vec<serde_json::Value> = self
            .tiers
            .iter()
            .map(|t| {
                let mut o = t.prices.to_json();
                if let Some(obj) = o.as_object_mut() {
                    obj.insert("aboveInputTokens".to_string(), t.above_input_tokens.into());
                }
                o
            })
            .collect();
        let mut v = serde_json::json!({
            "id": self.id,
            "name": self.name,
            "provider": self.provider,
            "kind": self.kind,
            "aliases": self.aliases,
            "snapshots": self.snapshots,
            "tokenizer": tokenizer,
            "contextWindow": self.context_window,
            "maxOutputTokens": self.max_output_tokens,
            "prices": self.prices.to_json(),
            "tiers": tiers,
        });
        if let (Some(u), Some(obj)) = (&self.uncertain, v.as_object_mut()) {
            obj.insert("uncertain".to_string(), u.clone().into());
        }
        v
    }
}
