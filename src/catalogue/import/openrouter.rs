//! OpenRouter's `GET /api/v1/models`: `{ "data": [model, ...] }` (a bare
//! array of models is read too), prices as decimal strings in USD per
//! token.
//!
//! Ids: `author/slug`. Where the author is a provider whose API ids the
//! catalogue uses (`openai`, `anthropic`, `google`, `x-ai`, `deepseek`,
//! `mistralai`), the id is the slug (`openai/gpt-4o` is `gpt-4o`), and
//! Anthropic's dotted versions take Anthropic's dashes
//! (`anthropic/claude-sonnet-4.5` is `claude-sonnet-4-5`). Other authors'
//! models are OpenRouter's own offer and keep the whole id
//! (`meta-llama/llama-3.3-70b-instruct`), under the provider `openrouter`.
//! Variants (`:free`, `:extended`) are models of their own.
//!
//! Prices: `prompt`, `completion`, `input_cache_read`, `input_cache_write`
//! (the provider's default lifetime) and `input_cache_write_1h`; an
//! override on `min_prompt_tokens` is a long-context tier. A price of -1
//! is OpenRouter's mark of a price that depends on the route taken (its
//! routers), not a price: such an entry is skipped.

use serde_json::Value;

use super::litellm::not_imported;
use super::units::{describe, is_minus_one, Scale};
use super::{infer, not_the_format, skip, Draft, Entry, Format};
use crate::catalogue::schema::RawPrices;
use crate::error::Result;

const AUTHORS: &[(&str, &str)] = &[
    ("openai", "openai"),
    ("anthropic", "anthropic"),
    ("google", "google"),
    ("x-ai", "xai"),
    ("deepseek", "deepseek"),
    ("mistralai", "mistral"),
];

/// One model of the list, as the import reads it: borrowed from the JSON.
struct Model<'a> {
    id: &'a str,
    name: Option<&'a str>,
    context_length: Option<&'a Value>,
    pricing: Option<Pricing<'a>>,
    top_context_length: Option<&'a Value>,
    max_completion_tokens: Option<&'a Value>,
    modality: Option<&'a str>,
    output_modalities: Option<&'a Vec<Value>>,
    reasoning: bool,
}

/// The prices of a model, or of one of its overrides.
struct Pricing<'a> {
    prompt: Option<&'a Value>,
    completion: Option<&'a Value>,
    input_cache_read: Option<&'a Value>,
    input_cache_write: Option<&'a Value>,
    input_cache_write_1h: Option<&'a Value>,
    discount: Option<&'a Value>,
    overrides: Option<&'a Vec<Value>>,
    /// Every field, for those that are not token prices (images, requests,
    /// web searches, audio ...).
    all: &'a serde_json::Map<String, Value>,
}

impl<'a> Model<'a> {
    fn of(v: &'a Value) -> std::result::Result<Model<'a>, &'static str> {
        let o = v.as_object().ok_or("not an object")?;
        let top = o.get("top_provider");
        let arch = o.get("architecture");
        let pricing = match o.get("pricing") {
            None | Some(Value::Null) => None,
            Some(p) => Some(Pricing::of(p).ok_or("pricing is not an object")?),
        };
        Ok(Model {
            id: o.get("id").and_then(Value::as_str).ok_or("no id")?,
            name: o.get("name").and_then(Value::as_str),
            context_length: o.get("context_length").filter(|v| !v.is_null()),
            pricing,
            top_context_length: top.and_then(|t| t.get("context_length")),
            max_completion_tokens: top.and_then(|t| t.get("max_completion_tokens")),
            modality: arch.and_then(|a| a.get("modality")).and_then(Value::as_str),
            output_modalities: arch
                .and_then(|a| a.get("output_modalities"))
                .and_then(Value::as_array),
            reasoning: o
                .get("supported_parameters")
                .and_then(Value::as_array)
                .is_some_and(|p| p.iter().any(|v| v == "reasoning")),
        })
    }
}

impl<'a> Pricing<'a> {
    fn of(v: &'a Value) -> Option<Pricing<'a>> {
        let all = v.as_object()?;
        Some(Pricing {
            prompt: all.get("prompt"),
            completion: all.get("completion"),
            input_cache_read: all.get("input_cache_read"),
            input_cache_write: all.get("input_cache_write"),
            input_cache_write_1h: all.get("input_cache_write_1h"),
            discount: all.get("discount"),
            overrides: all.get("overrides").and_then(Value::as_array),
            all,
        })
    }

    /// The fields that are not token prices.
    fn others(&self) -> impl Iterator<Item = (&'a String, &'a Value)> {
        const READ: [&str; 7] = [
            "prompt",
            "completion",
            "input_cache_read",
            "input_cache_write",
            "input_cache_write_1h",
            "discount",
            "overrides",
        ];
        self.all.iter().filter(|(k, _)| !READ.contains(&k.as_str()))
    }
}

pub(super) fn read(data: &Value) -> Result<Vec<Entry>> {
    let items = match data {
        Value::Object(o) => match o.get("data") {
            Some(Value::Array(items)) => items,
            _ => {
                return Err(not_the_format(
                    Format::OpenRouter,
                    "an object whose `data` is the array of models",
                ))
            }
        },
        Value::Array(items) => items,
        _ => {
            return Err(not_the_format(
                Format::OpenRouter,
                "an object whose `data` is the array of models",
            ))
        }
    };
    Ok(items.iter().enumerate().map(|(i, v)| entry(i, v)).collect())
}

fn entry(index: usize, v: &Value) -> Entry {
    let key = v
        .get("id")
        .and_then(Value::as_str)
        .map_or_else(|| format!("data[{index}]"), str::to_string);
    let m = Model::of(v).map_err(|e| skip(&key, format!("not a model entry: {e}")))?;
    let kind = kind(&m).map_err(|r| skip(&key, r))?;
    let pricing = m
        .pricing
        .as_ref()
        .ok_or_else(|| skip(&key, "no pricing: a missing price is never taken as $0"))?;
    if let Some(field) = sentinel(pricing) {
        return Err(skip(
            &key,
            format!("{field} is -1: OpenRouter's mark of a price that varies with the route taken, not a price"),
        ));
    }
    let (id, provider, own) = ids(m.id);
    let mut d = Draft::new(Format::OpenRouter, &key, &id, provider, own);
    d.raw.kind = Some(kind.to_string());
    d.raw.name = m.name.map(str::to_string);
    let window = m.context_length.or(m.top_context_length);
    d.raw.context_window = d
        .count(window, "context_length")
        .map_err(|r| skip(&key, r))?;
    d.source("contextWindow", "context_length");
    let out = m.max_completion_tokens;
    d.raw.max_output_tokens = d
        .count(out, "top_provider.max_completion_tokens")
        .map_err(|r| skip(&key, r))?;
    d.source("maxOutputTokens", "top_provider.max_completion_tokens");
    prices(&mut d, pricing).map_err(|r| skip(&key, r))?;
    Ok(d)
}

/// The catalogue id, provider, and whether the provider is one whose ids
/// the catalogue uses.
fn ids(id: &str) -> (String, &str, bool) {
    let Some((author, slug)) = id.split_once('/') else {
        return (id.to_string(), "openrouter", false);
    };
    match infer::catalogue_provider(author, AUTHORS) {
        Some("anthropic") => (slug.replace('.', "-"), "anthropic", true),
        Some(p) => (slug.to_string(), p, true),
        None => (id.to_string(), "openrouter", false),
    }
}

/// Chat, reasoning (the model takes the `reasoning` parameter), or
/// embedding; a model whose output is not text is not priced by it.
fn kind(m: &Model) -> std::result::Result<&'static str, String> {
    let outputs: Vec<&str> = match (m.output_modalities, m.modality) {
        (Some(list), _) => list.iter().filter_map(Value::as_str).collect(),
        (None, Some(modality)) => modality
            .rsplit("->")
            .next()
            .unwrap_or("")
            .split('+')
            .collect(),
        (None, None) => vec!["text"],
    };
    if outputs.contains(&"embeddings") {
        return Ok("embedding");
    }
    if !outputs.contains(&"text") {
        return Err(format!(
            "outputs {}, not text: not priced by text tokens",
            outputs.join("+")
        ));
    }
    Ok(if m.reasoning { "reasoning" } else { "chat" })
}

/// The first token price that is OpenRouter's -1.
fn sentinel(p: &Pricing) -> Option<&'static str> {
    [
        ("prompt", p.prompt),
        ("completion", p.completion),
        ("input_cache_read", p.input_cache_read),
        ("input_cache_write", p.input_cache_write),
    ]
    .into_iter()
    .find(|(_, v)| v.is_some_and(is_minus_one))
    .map(|(name, _)| name)
}

fn prices(d: &mut Draft, p: &Pricing) -> std::result::Result<(), String> {
    let provider = d.raw.provider.clone().unwrap_or_default();
    let lifetime = infer::default_write_lifetime(&provider);
    let mut list = one_list(d, p, lifetime, "prices")?;
    let mut others: Vec<&str> = p
        .others()
        .filter(|(_, v)| nonzero(v))
        .map(|(k, _)| k.as_str())
        .collect();
    if lifetime.is_none() && p.input_cache_write.is_some_and(nonzero) {
        d.note(format!(
            "the lifetime of {provider}'s cache writes is not known: taken as 5 minutes"
        ));
    }
    if let Some(discount) = p.discount.filter(|v| nonzero(v)) {
        d.note(format!(
            "OpenRouter lists a discount of {} on these prices: imported before the discount",
            describe(discount)
        ));
    }
    let mut thresholds: Vec<(u64, &Value)> = Vec::new();
    for o in p.overrides.into_iter().flatten() {
        let Value::Object(fields) = o else { continue };
        let conditions_are_length = fields
            .keys()
            .all(|k| k == "min_prompt_tokens" || !is_condition(k));
        match fields.get("min_prompt_tokens").and_then(Value::as_u64) {
            Some(min) if conditions_are_length => thresholds.push((min.saturating_sub(1), o)),
            _ => others.push("overrides (other than on min_prompt_tokens)"),
        }
    }
    list.tiers = tiers(d, &thresholds, lifetime)?;
    if !others.is_empty() {
        others.dedup();
        d.note(not_imported(&others));
    }
    d.raw.prices = Some(list);
    Ok(())
}

fn is_condition(key: &str) -> bool {
    key.starts_with("min_") || key.starts_with("max_") || key.starts_with("utc_")
}

fn nonzero(v: &Value) -> bool {
    super::units::read(v, Scale::PerToken)
        .ok()
        .flatten()
        .is_none_or(|c| c.pico != 0)
        && !v.is_null()
}

/// One set of OpenRouter's price fields (the pricing object, or an
/// override) as the schema's prices at `at`.
fn one_list(
    d: &mut Draft,
    p: &Pricing,
    lifetime: Option<&str>,
    at: &str,
) -> std::result::Result<RawPrices, String> {
    let write = format!("cacheWrites.{}", lifetime.unwrap_or("5m"));
    let mut out = RawPrices {
        input: d.price(
            p.prompt,
            Scale::PerToken,
            &format!("{at}.input"),
            "pricing.prompt",
        )?,
        output: d.price(
            p.completion,
            Scale::PerToken,
            &format!("{at}.output"),
            "pricing.completion",
        )?,
        cached_input: d.price(
            p.input_cache_read,
            Scale::PerToken,
            &format!("{at}.cachedInput"),
            "pricing.input_cache_read",
        )?,
        ..RawPrices::default()
    };
    if let Some(w) = d.price(
        p.input_cache_write,
        Scale::PerToken,
        &format!("{at}.{write}"),
        "pricing.input_cache_write",
    )? {
        out.cache_writes
            .insert(lifetime.unwrap_or("5m").to_string(), w);
    }
    if let Some(w) = d.price(
        p.input_cache_write_1h,
        Scale::PerToken,
        &format!("{at}.cacheWrites.1h"),
        "pricing.input_cache_write_1h",
    )? {
        out.cache_writes.insert("1h".to_string(), w);
    }
    Ok(out)
}

/// Overrides on prompt length as whole-request tiers. An override applies
/// from `min_prompt_tokens` (the tier is above one less), later overrides
/// win per price, and a price an override leaves out is the base one: so
/// each tier is every override that applies at its threshold, laid over
/// each other in order.
fn tiers(
    d: &mut Draft,
    overrides: &[(u64, &Value)],
    lifetime: Option<&str>,
) -> std::result::Result<Vec<RawPrices>, String> {
    let mut thresholds: Vec<u64> = overrides.iter().map(|(t, _)| *t).collect();
    thresholds.sort_unstable();
    thresholds.dedup();
    let mut out = Vec::new();
    for (i, &threshold) in thresholds.iter().enumerate() {
        let mut tier = RawPrices {
            above_input_tokens: Some(threshold as f64),
            ..RawPrices::default()
        };
        for (_, o) in overrides.iter().filter(|(t, _)| *t <= threshold) {
            let Some(p) = Pricing::of(o) else { continue };
            let set = one_list(d, &p, lifetime, &format!("prices.tiers[{i}]"))?;
            tier.input = set.input.or(tier.input);
            tier.output = set.output.or(tier.output);
            tier.cached_input = set.cached_input.or(tier.cached_input);
            tier.cache_writes.extend(set.cache_writes);
        }
        out.push(tier);
    }
    Ok(out)
}
