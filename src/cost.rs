//! What a call, a workload and a month cost.
//!
//! Token conventions (the README repeats them, because this is where users go
//! wrong): `input_tokens` counts every prompt token, cache reads
//! (`cached_input_tokens`) and cache writes (`cache_write_tokens`) included;
//! `output_tokens` counts every output token, `reasoning_tokens` included.
//!
//! Money is integer pico-dollars (`u128`) from the first multiplication to the
//! last sum: prices are micro-dollars per million tokens, so `tokens x price`
//! is exact, and nothing is rounded until the result is handed out in USD.

use serde_json::Value;

use crate::catalogue::{self, Model, Price, Prices, Tier};
use crate::chat;
use crate::error::{Error, Result};
use crate::tokens::{self, Tokenizer};

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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CacheTtl {
    #[default]
    FiveMinutes,
    OneHour,
}

/// The tokens of one call, in the conventions above.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cached_input_tokens: u64,
    pub cache_write_tokens: u64,
    /// The TTL of `cache_write_tokens` (the 5-minute and 1-hour prices differ).
    pub cache_write_ttl: CacheTtl,
    /// The part of `cache_write_tokens` written with a 1-hour TTL, when a
    /// reply reports both (Anthropic's `cache_creation` split). Overrides
    /// `cache_write_ttl` for that part.
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
}

/// Prices for a model: the catalogue's, or a caller's override. An override
/// makes a model the catalogue does not know priceable.
#[derive(Clone, Debug, PartialEq)]
pub struct Pricing {
    pub prices: Prices,
    pub tiers: Vec<Tier>,
}

impl Pricing {
    pub fn of(model: &Model) -> Pricing {
        Pricing {
            prices: model.prices.clone(),
            tiers: model.tiers.clone(),
        }
    }

    /// The prices for a request with `input_tokens` input: the highest tier
    /// it passes, else the base prices.
    pub fn at(&self, input_tokens: u64) -> (&Prices, Option<u64>) {
        self.tiers
            .iter()
            .filter(|t| input_tokens > t.above_input_tokens)
            .max_by_key(|t| t.above_input_tokens)
            .map_or((&self.prices, None), |t| {
                (&t.prices, Some(t.above_input_tokens))
            })
    }

    /// Parses a `pricing` override: the catalogue's price fields plus
    /// optional `tiers`.
    pub fn from_json(value: &Value, field: &str) -> Result<Pricing> {
        let obj = value.as_object().ok_or_else(|| {
            Error::invalid(field, "must be an object of prices in USD per 1M tokens")
        })?;
        let mut base = obj.clone();
        let tiers_json = base.remove("tiers");
        let prices = catalogue::prices_from_json(&Value::Object(base), field)?;
        let mut tiers = Vec::new();
        if let Some(t) = tiers_json {
            let items = t
                .as_array()
                .ok_or_else(|| Error::invalid(format!("{field}.tiers"), "must be an array"))?;
            for (i, tier) in items.iter().enumerate() {
                let tf = format!("{field}.tiers[{i}]");
                let mut tier_obj = tier
                    .as_object()
                    .ok_or_else(|| Error::invalid(&tf, "must be an object"))?
                    .clone();
                let above = tier_obj
                    .remove("aboveInputTokens")
                    .and_then(|v| v.as_f64())
                    .ok_or_else(|| {
                        Error::invalid(format!("{tf}.aboveInputTokens"), "is required")
                    })?;
                let above = catalogue::token_count(above, &format!("{tf}.aboveInputTokens"))?;
                let mut merged = serde_json::Map::new();
                merged.insert("input".into(), prices.input.usd_per_million().into());
                merged.insert("output".into(), prices.output.usd_per_million().into());
                merged.extend(tier_obj);
                tiers.push(Tier {
                    above_input_tokens: above,
                    prices: catalogue::prices_from_json(&Value::Object(merged), &tf)?,
                });
            }
        }
        Ok(Pricing { prices, tiers })
    }
}

/// The pricing of `model`: the override when given, else the catalogue's,
/// else `UNKNOWN_MODEL` with near matches.
pub fn pricing_for(model: &str, pricing: Option<&Pricing>) -> Result<Pricing> {
    match pricing {
        Some(p) => Ok(p.clone()),
        None => catalogue::get_model(model)
            .map(|m| Pricing::of(&m))
            .ok_or_else(|| tokens::unknown_model(model)),
    }
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

/// The cost of one call.
///
/// Cache reads without a cache-read price, and cache writes without a
/// cache-write price (OpenAI, which bills a cache miss as ordinary input),
/// cost the input price. In batch mode every input-side price gets the batch
/// discount (`batchInput / input`), as Anthropic and OpenAI stack them.
pub fn estimate_cost(usage: &Usage, pricing: &Pricing) -> Result<Cost> {
    usage.validate()?;
    let (p, tier) = pricing.at(usage.input_tokens);
    let (input_price, output_price) = if usage.batch {
        (
            p.batch_input.unwrap_or(p.input),
            p.batch_output.unwrap_or(p.output),
        )
    } else {
        (p.input, p.output)
    };
    let side = |price: Option<Price>| {
        let price = price.unwrap_or(p.input);
        if usage.batch {
            batch_scaled(price, p.input, p.batch_input)
        } else {
            price
        }
    };
    let uncached = usage.input_tokens - usage.cached_input_tokens - usage.cache_write_tokens;
    let one_hour = usage
        .cache_write_1h_tokens
        .unwrap_or(match usage.cache_write_ttl {
            CacheTtl::OneHour => usage.cache_write_tokens,
            CacheTtl::FiveMinutes => 0,
        });
    let five_minutes = usage.cache_write_tokens - one_hour;
    let cost_input = times(uncached, input_price);
    let cached_input = times(usage.cached_input_tokens, side(p.cached_input));
    let cache_write = times(five_minutes, side(p.cache_write_5m))
        + times(one_hour, side(p.cache_write_1h.or(p.cache_write_5m)));
    let output = times(usage.output_tokens, output_price);
    let reasoning = times(usage.reasoning_tokens, output_price);
    Ok(Cost {
        input: cost_input,
        cached_input,
        cache_write,
        output,
        reasoning,
        total: cost_input + cached_input + cache_write + output,
        tier_above_input_tokens: tier,
    })
}

/// The cost of one call of a catalogue model (or of any model, with `pricing`).
pub fn estimate_model_cost(model: &str, usage: &Usage, pricing: Option<&Pricing>) -> Result<Cost> {
    estimate_cost(usage, &pricing_for(model, pricing)?)
}

/// Input tokens of a request given as `text` or `messages` (+ `tools`),
/// counted with the model's tokenizer (an estimate for non-public ones).
pub fn count_request_input(
    model: &str,
    request: &serde_json::Map<String, Value>,
    field: &str,
) -> Result<Option<u64>> {
    // At the top (no prefix) a key is its own path: `messages[0]`, not
    // `.messages[0]`.
    let p = if field.is_empty() {
        String::new()
    } else {
        format!("{field}.")
    };
    if let Some(messages) = request.get("messages").filter(|v| !v.is_null()) {
        let messages = chat::parse_messages(messages, &format!("{p}messages"))?;
        let tools = match request.get("tools") {
            None | Some(Value::Null) => Vec::new(),
            Some(t) => chat::parse_tools(t, &format!("{p}tools"))?,
        };
        return Ok(Some(
            chat::count_chat_tokens(model, &messages, &tools)? as u64
        ));
    }
    if let Some(text) = request.get("text").filter(|v| !v.is_null()) {
        let text = text
            .as_str()
            .ok_or_else(|| Error::invalid(format!("{p}text"), "must be a string"))?;
        return Ok(Some(
            Tokenizer::for_model(model)?.count_ordinary(text) as u64
        ));
    }
    Ok(None)
}

fn optional_tokens(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<Option<u64>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .ok_or_else(|| Error::invalid(format!("{field}{key}"), "must be a number"))
            .and_then(|v| catalogue::token_count(v, &format!("{field}{key}")))
            .map(Some),
        Some(v) => Err(Error::invalid(
            format!("{field}{key}"),
            format!(
                "must be a whole number of tokens, got {}",
                chat::type_name(v)
            ),
        )),
    }
}

/// Reads an `estimateCost` request: `{ model, inputTokens | text | messages
/// (+ tools), outputTokens, cachedInputTokens?, cacheWriteTokens?,
/// cacheWriteTtl?, cacheWrite1hTokens?, reasoningTokens?, batch? }`.
pub fn usage_from_json(value: &Value, field: &str) -> Result<(String, Usage)> {
    let obj = value.as_object().ok_or_else(|| {
        Error::invalid(
            // At the top (no prefix) the value is the whole request.
            if field.is_empty() { "request" } else { field },
            format!("must be an object, got {}", chat::type_name(value)),
        )
    })?;
    let known = [
        "model",
        "inputTokens",
        "outputTokens",
        "cachedInputTokens",
        "cacheWriteTokens",
        "cacheWriteTtl",
        "cacheWrite1hTokens",
        "reasoningTokens",
        "batch",
        "text",
        "messages",
        "tools",
        // usageFromResponse's output carries its format; it feeds straight in.
        "format",
    ];
    let p = if field.is_empty() {
        String::new()
    } else {
        format!("{field}.")
    };
    if let Some(k) = obj.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(Error::invalid(
            format!("{p}{k}"),
            format!("is not a known field (known: {})", known.join(", ")),
        ));
    }
    let model = match obj.get("model") {
        Some(Value::String(m)) => m.clone(),
        _ => {
            return Err(Error::invalid(
                format!("{p}model"),
                "is required (a model id string)",
            ))
        }
    };
    let counted = count_request_input(&model, obj, field)?;
    let given = optional_tokens(obj, "inputTokens", &p)?;
    let input_tokens = match (given, counted) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                format!("{p}inputTokens"),
                "give inputTokens or text/messages, not both",
            ))
        }
        (Some(n), None) | (None, Some(n)) => n,
        (None, None) => {
            return Err(Error::invalid(
                format!("{p}inputTokens"),
                "is required (or text, or messages)",
            ))
        }
    };
    let ttl = match obj.get("cacheWriteTtl") {
        None | Some(Value::Null) => CacheTtl::FiveMinutes,
        Some(Value::String(s)) if s == "5m" => CacheTtl::FiveMinutes,
        Some(Value::String(s)) if s == "1h" => CacheTtl::OneHour,
        Some(_) => {
            return Err(Error::invalid(
                format!("{p}cacheWriteTtl"),
                "must be \"5m\" or \"1h\"",
            ))
        }
    };
    let batch = match obj.get("batch") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Error::invalid(format!("{p}batch"), "must be a boolean")),
    };
    let usage = Usage {
        input_tokens,
        output_tokens: optional_tokens(obj, "outputTokens", &p)?.unwrap_or(0),
        cached_input_tokens: optional_tokens(obj, "cachedInputTokens", &p)?.unwrap_or(0),
        cache_write_tokens: optional_tokens(obj, "cacheWriteTokens", &p)?.unwrap_or(0),
        cache_write_ttl: ttl,
        cache_write_1h_tokens: optional_tokens(obj, "cacheWrite1hTokens", &p)?,
        reasoning_tokens: optional_tokens(obj, "reasoningTokens", &p)?.unwrap_or(0),
        batch,
    };
    usage.validate()?;
    Ok((model, usage))
}

/// A provider reply's usage, normalised to tokenmeter's conventions.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseUsage {
    /// `openai-chat`, `openai-responses`, `anthropic` or `gemini`.
    pub format: &'static str,
    pub model: Option<String>,
    pub usage: Usage,
}

/// Normalises the `usage` of an OpenAI Chat Completions or Responses reply,
/// an Anthropic Messages reply or a Gemini reply (`usageMetadata`). Accepts
/// the whole reply body or just its usage object.
pub fn usage_from_response(body: &Value) -> Result<ResponseUsage> {
    let obj = body.as_object().ok_or_else(|| {
        Error::invalid(
            "body",
            format!("must be a reply object, got {}", chat::type_name(body)),
        )
    })?;
    let model = obj
        .get("model")
        .or_else(|| obj.get("modelVersion"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let n = |v: Option<&Value>, field: &str| -> Result<u64> {
        match v {
            None | Some(Value::Null) => Ok(0),
            Some(v) => v
                .as_f64()
                .ok_or_else(|| {
                    Error::invalid(
                        field,
                        format!("must be a number, got {}", chat::type_name(v)),
                    )
                })
                .and_then(|x| catalogue::token_count(x, field)),
        }
    };
    if let Some(meta) = obj
        .get("usageMetadata")
        .or_else(|| obj.get("promptTokenCount").map(|_| body))
    {
        // Gemini: promptTokenCount includes cached content; thinking is
        // billed as output.
        let g = |k: &str| n(meta.get(k), &format!("usageMetadata.{k}"));
        let thoughts = g("thoughtsTokenCount")?;
        let usage = Usage {
            input_tokens: g("promptTokenCount")? + g("toolUsePromptTokenCount")?,
            output_tokens: g("candidatesTokenCount")? + thoughts,
            cached_input_tokens: g("cachedContentTokenCount")?,
            reasoning_tokens: thoughts,
            ..Usage::default()
        };
        usage.validate()?;
        return Ok(ResponseUsage {
            format: "gemini",
            model,
            usage,
        });
    }
    let u = obj.get("usage").unwrap_or(body);
    let get = |k: &str| u.get(k);
    if get("prompt_tokens").is_some() || get("completion_tokens").is_some() {
        let cached = n(
            u.pointer("/prompt_tokens_details/cached_tokens"),
            "usage.prompt_tokens_details.cached_tokens",
        )?;
        let usage = Usage {
            input_tokens: n(get("prompt_tokens"), "usage.prompt_tokens")?,
            output_tokens: n(get("completion_tokens"), "usage.completion_tokens")?,
            cached_input_tokens: cached,
            reasoning_tokens: n(
                u.pointer("/completion_tokens_details/reasoning_tokens"),
                "usage.completion_tokens_details.reasoning_tokens",
            )?,
            ..Usage::default()
        };
        usage.validate()?;
        return Ok(ResponseUsage {
            format: "openai-chat",
            model,
            usage,
        });
    }
    if get("cache_creation_input_tokens").is_some()
        || get("cache_read_input_tokens").is_some()
        || obj.get("type").and_then(Value::as_str) == Some("message")
    {
        // Anthropic: input_tokens excludes cache reads and writes.
        let read = n(
            get("cache_read_input_tokens"),
            "usage.cache_read_input_tokens",
        )?;
        let write = n(
            get("cache_creation_input_tokens"),
            "usage.cache_creation_input_tokens",
        )?;
        let one_hour = match u.pointer("/cache_creation/ephemeral_1h_input_tokens") {
            None => None,
            Some(v) => Some(n(
                Some(v),
                "usage.cache_creation.ephemeral_1h_input_tokens",
            )?),
        };
        let usage = Usage {
            input_tokens: n(get("input_tokens"), "usage.input_tokens")? + read + write,
            output_tokens: n(get("output_tokens"), "usage.output_tokens")?,
            cached_input_tokens: read,
            cache_write_tokens: write,
            cache_write_1h_tokens: one_hour,
            ..Usage::default()
        };
        usage.validate()?;
        return Ok(ResponseUsage {
            format: "anthropic",
            model,
            usage,
        });
    }
    if get("input_tokens").is_some() || get("output_tokens").is_some() {
        // OpenAI Responses API.
        let usage = Usage {
            input_tokens: n(get("input_tokens"), "usage.input_tokens")?,
            output_tokens: n(get("output_tokens"), "usage.output_tokens")?,
            cached_input_tokens: n(
                u.pointer("/input_tokens_details/cached_tokens"),
                "usage.input_tokens_details.cached_tokens",
            )?,
            reasoning_tokens: n(
                u.pointer("/output_tokens_details/reasoning_tokens"),
                "usage.output_tokens_details.reasoning_tokens",
            )?,
            ..Usage::default()
        };
        usage.validate()?;
        return Ok(ResponseUsage {
            format: "openai-responses",
            model,
            usage,
        });
    }
    Err(Error::invalid(
        "body",
        "has no usage this function knows (OpenAI usage.prompt_tokens or usage.input_tokens, Anthropic usage.cache_*_input_tokens, Gemini usageMetadata)",
    ))
}
