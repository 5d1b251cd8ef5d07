//! What a call costs.
//!
//! Token conventions (the README and docs/api.md repeat them, because this is where users go
//! wrong): `input_tokens` counts every prompt token, cache reads
//! (`cached_input_tokens`) and cache writes (`cache_write_tokens`) included;
//! `output_tokens` counts every output token, `reasoning_tokens` included.
//!
//! Money is integer pico-dollars (`u128`) from the first multiplication to the
//! last sum: prices are micro-dollars per million tokens, so `tokens x price`
//! is exact, and nothing is rounded until the result is handed out in USD.

mod input;

pub use input::Input;

use crate::catalogue::{Applied, Catalogue, Lifetime, Price, PriceList, Prices};
use crate::error::{Error, Result};
use crate::time::Instant;

/// Pico-dollars: 10^-12 USD.
pub type Pico = u128;

/// A caller's USD amount (a budget, a limit) in pico-dollars: finite, from 0
/// to a trillion dollars.
pub fn pico_from_usd(v: f64, field: &str) -> Result<Pico> {
    if !v.is_finite() || !(0.0..=1e12).contains(&v) {
        return Err(Error::invalid(
            field,
            format!("must be an amount of USD from 0 to 1e12, got {v}"),
        ));
    }
    Ok((v * 1e12).round() as Pico)
}

/// Pico-dollars to USD, the one place where money becomes a float.
pub fn usd(pico: Pico) -> f64 {
    pico as f64 / 1e12
}

/// The tokens of one call, in the conventions above.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cached_input_tokens: u64,
    pub cache_write_tokens: u64,
    /// The lifetime of `cache_write_tokens`; `None`: the shortest the model
    /// prices.
    pub cache_write_ttl: Option<Lifetime>,
    /// The part of `cache_write_tokens` written with a 1-hour lifetime, when
    /// a reply reports the split (Anthropic's `cache_creation`). The rest
    /// has `cache_write_ttl`.
    pub cache_write_1h_tokens: Option<u64>,
    pub reasoning_tokens: u64,
    /// Priced at the batch API's rates.
    pub batch: bool,
}

impl Usage {
    /// Checks the conventions: parts never exceed their wholes.
    pub fn validate(&self) -> Result<()> {
        let cache = u128::from(self.cached_input_tokens) + u128::from(self.cache_write_tokens);
        if cache > u128::from(self.input_tokens) {
            return Err(Error::invalid(
                "cachedInputTokens",
                format!(
                    "cachedInputTokens + cacheWriteTokens ({cache}) exceed inputTokens ({}); inputTokens counts every prompt token, cache reads and writes included",
                    self.input_tokens
                ),
            ));
        }
        if self.reasoning_tokens > self.output_tokens {
            return Err(Error::invalid(
                "reasoningTokens",
                format!(
                    "reasoningTokens ({}) exceed outputTokens ({}); outputTokens counts every output token, reasoning included",
                    self.reasoning_tokens, self.output_tokens
                ),
            ));
        }
        if self
            .cache_write_1h_tokens
            .is_some_and(|h| h > self.cache_write_tokens)
        {
            return Err(Error::invalid(
                "cacheWrite1hTokens",
                "exceeds cacheWriteTokens",
            ));
        }
        Ok(())
    }
}

/// The cost of one call, per kind of token, in pico-dollars.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    /// Uncached input tokens.
    pub input: Pico,
    pub cached_input: Pico,
    pub cache_write: Pico,
    /// All output, reasoning included.
    pub output: Pico,
    /// The reasoning part of `output` (already in it; shown for insight).
    pub reasoning: Pico,
    pub total: Pico,
    /// The long-context tier that applied, by its threshold.
    pub tier_above_input_tokens: Option<u64>,
    pub time_window: Option<String>,
    pub service_tier: Option<String>,
    /// What the caller should know: a retired or deprecated model, an
    /// instant before the first known price.
    pub warnings: Vec<String>,
}

/// A call to price: the model, its usage, and the service tier it used.
#[derive(Clone, Debug, PartialEq)]
pub struct CostRequest {
    pub model: String,
    pub usage: Usage,
    pub service_tier: Option<String>,
}

/// When and how a call is priced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceQuery<'a> {
    /// The instant the call was (or will be) made: picks the price list in
    /// force and any time-of-day window.
    pub at: Instant,
    /// A named service tier of the model (`flex`, `priority` ...).
    pub service_tier: Option<&'a str>,
}

impl PriceQuery<'_> {
    pub fn at(at: Instant) -> PriceQuery<'static> {
        PriceQuery {
            at,
            service_tier: None,
        }
    }
}

/// Parses a caller's `pricing` override (the catalogue's price-list shape):
/// it prices a model the catalogue does not know, or replaces the
/// catalogue's prices for one call.
pub fn pricing_from_json(value: &serde_json::Value, field: &str) -> Result<PriceList> {
    let raw: crate::catalogue::schema::RawPrices =
        serde_json::from_value(value.clone()).map_err(|e| {
            Error::invalid(
                field,
                format!("must be a price object in USD per 1M tokens: {e}"),
            )
        })?;
    let list = raw.price_list(field)?;
    if list.from.is_some() || list.until.is_some() {
        return Err(Error::invalid(
            field,
            "a pricing override has no dates (it applies to this call)",
        ));
    }
    Ok(list)
}

fn times(tokens: u64, price: Price) -> Pico {
    u128::from(tokens) * u128::from(price.0)
}

/// `price` scaled by the batch discount `batch / list`, for input-side prices
/// that have no batch price of their own (cache reads and writes in batch).
fn batch_scaled(price: Price, list: Price, batch: Option<Price>) -> Price {
    match batch {
        Some(b) if list.0 > 0 => Price(
            ((u128::from(price.0) * u128::from(b.0) + u128::from(list.0) / 2) / u128::from(list.0))
                as u64,
        ),
        _ => price,
    }
}

/// The cost of one call at the prices `p` (already chosen for the request).
///
/// Cache reads without a cache-read price, and cache writes where the model
/// prices none (OpenAI before 2026, which bills a cache miss as ordinary
/// input), cost the input price. In batch mode every input-side price gets
/// the batch discount (`batchInput / input`), as Anthropic and OpenAI stack
/// them.
pub fn cost_at(usage: &Usage, p: &Prices) -> Result<Cost> {
    usage.validate()?;
    let (input_price, output_price) = if usage.batch {
        (
            p.batch_input.unwrap_or(p.input),
            p.batch_output.unwrap_or(p.output),
        )
    } else {
        (p.input, p.output)
    };
    let side = |price: Price| {
        if usage.batch {
            batch_scaled(price, p.input, p.batch_input)
        } else {
            price
        }
    };
    let uncached = usage.input_tokens - usage.cached_input_tokens - usage.cache_write_tokens;
    let one_hour = usage.cache_write_1h_tokens.unwrap_or(0);
    let rest = usage.cache_write_tokens - one_hour;
    let mut cache_write = 0;
    if rest > 0 {
        cache_write += times(rest, side(p.cache_write(usage.cache_write_ttl)?));
    }
    if one_hour > 0 {
        cache_write += times(one_hour, side(p.cache_write(Some(Lifetime::ONE_HOUR))?));
    }
    let input = times(uncached, input_price);
    let cached_input = times(
        usage.cached_input_tokens,
        side(p.cached_input.unwrap_or(p.input)),
    );
    let output = times(usage.output_tokens, output_price);
    Ok(Cost {
        input,
        cached_input,
        cache_write,
        output,
        reasoning: times(usage.reasoning_tokens, output_price),
        total: input + cached_input + cache_write + output,
        ..Cost::default()
    })
}

/// The cost of one call at the prices `applied` chose, with what they say.
pub fn cost_applied(usage: &Usage, applied: Applied, warnings: Vec<String>) -> Result<Cost> {
    let mut cost = cost_at(usage, &applied.prices)?;
    cost.tier_above_input_tokens = applied.tier_above_input_tokens;
    cost.time_window = applied.time_window;
    cost.service_tier = applied.service_tier;
    cost.warnings = warnings;
    Ok(cost)
}

/// The cost of one call of `model`: at the override `pricing` when given
/// (which makes a model the catalogue does not know priceable), else at the
/// catalogue's price list in force at `q.at`.
pub fn estimate_cost(
    catalogue: &Catalogue,
    model: &str,
    usage: &Usage,
    q: &PriceQuery,
    pricing: Option<&PriceList>,
) -> Result<Cost> {
    let (applied, warnings) = match pricing {
        Some(list) => (
            list.apply(usage.input_tokens, q.at, q.service_tier)?,
            Vec::new(),
        ),
        None => catalogue
            .model(model)?
            .prices_at(usage.input_tokens, q.at, q.service_tier)?,
    };
    cost_applied(usage, applied, warnings)
}
