//! models.dev's `api.json`: an object keyed by provider id, each provider's
//! `models` an object keyed by model id; prices in USD per 1M tokens.
//!
//! Ids: the model's key within its provider (the id that provider's API
//! takes), lowercased. As with genai-prices, a host that lists a first
//! party's model under the same id (Azure's `gpt-4o`) loses to the first
//! party.
//!
//! Prices: `cost.input`, `cost.output`, `cost.cache_read`,
//! `cost.cache_write` (the provider's default lifetime), and
//! `cost.context_over_200k` as a whole-request tier above 200,000 input
//! tokens. Limits: `limit.context` (shared by input and output),
//! `limit.input` (a cap on input inside it), `limit.output`.
//! `release_date` when it is a whole date (models.dev also allows a month).

use serde_json::Value;

use super::litellm::not_imported;
use super::units::{describe, Scale};
use super::{infer, not_the_format, skip, Draft, Entry, Format};
use crate::catalogue::schema::RawPrices;
use crate::error::Result;

const PROVIDERS: &[(&str, &str)] = &[
    ("openai", "openai"),
    ("anthropic", "anthropic"),
    ("google", "google"),
    ("xai", "xai"),
    ("deepseek", "deepseek"),
    ("mistral", "mistral"),
    ("togetherai", "together"),
    ("cloudflare-workers-ai", "cloudflare-workers-ai"),
];

/// One model of a provider, as the import reads it: borrowed from the JSON.
struct Model<'a> {
    id: Option<&'a str>,
    name: Option<&'a str>,
    reasoning: bool,
    release_date: Option<&'a Value>,
    output_modalities: Option<&'a Vec<Value>>,
    cost: Option<&'a Value>,
    limit_context: Option<&'a Value>,
    limit_input: Option<&'a Value>,
    limit_output: Option<&'a Value>,
    deprecated: bool,
}

impl<'a> Model<'a> {
    fn of(v: &'a Value) -> Option<Model<'a>> {
        let o = v.as_object()?;
        let limit = |k: &str| o.get("limit").and_then(|l| l.get(k));
        Some(Model {
            id: o.get("id").and_then(Value::as_str),
            name: o.get("name").and_then(Value::as_str),
            reasoning: o.get("reasoning") == Some(&Value::Bool(true)),
            release_date: o.get("release_date").filter(|d| !d.is_null()),
            output_modalities: o
                .get("modalities")
                .and_then(|m| m.get("output"))
                .and_then(Value::as_array),
            cost: o.get("cost").filter(|c| !c.is_null()),
            limit_context: limit("context"),
            limit_input: limit("input"),
            limit_output: limit("output"),
            deprecated: o.get("status").and_then(Value::as_str) == Some("deprecated"),
        })
    }
}

pub(super) fn read(data: &Value) -> Result<Vec<Entry>> {
    let Value::Object(providers) = data else {
        return Err(not_the_format(
            Format::ModelsDev,
            "an object of providers keyed by provider id",
        ));
    };
    let shaped = |p: &Value| p.get("models").is_some_and(Value::is_object);
    if !providers.is_empty() && !providers.values().any(shaped) {
        return Err(not_the_format(
            Format::ModelsDev,
            "none of its values is a provider with models",
        ));
    }
    let mut out = Vec::new();
    for (provider, p) in providers {
        match p.get("models").and_then(Value::as_object) {
            Some(models) => out.extend(models.iter().map(|(key, m)| entry(provider, key, m))),
            None => out.push(Err(skip(provider, "not a provider with models: no models"))),
        }
    }
    Ok(out)
}

fn entry(provider: &str, key: &str, v: &Value) -> Entry {
    let address = format!("{provider}/{key}");
    let m = Model::of(v).ok_or_else(|| skip(&address, "not a model entry: not an object"))?;
    let outputs: Vec<&str> = match m.output_modalities {
        Some(o) => o.iter().filter_map(Value::as_str).collect(),
        None => vec!["text"],
    };
    if !outputs.contains(&"text") {
        return Err(skip(
            &address,
            format!(
                "outputs {}, not text: not priced by text tokens",
                outputs.join("+")
            ),
        ));
    }
    let id = m.id.unwrap_or(key);
    let catalogue_provider = infer::catalogue_provider(provider, PROVIDERS);
    let mut d = Draft::new(
        Format::ModelsDev,
        &address,
        id,
        catalogue_provider.unwrap_or(provider),
        catalogue_provider.is_some(),
    );
    let kind = if d.raw.id.contains("embed") {
        "embedding"
    } else if m.reasoning {
        "reasoning"
    } else {
        "chat"
    };
    d.raw.kind = Some(kind.to_string());
    d.raw.name = m.name.map(str::to_string);
    limits(&mut d, &m).map_err(|r| skip(&address, r))?;
    let cost = m
        .cost
        .ok_or_else(|| skip(&address, "no cost: a missing price is never taken as $0"))?;
    d.raw.prices = Some(prices(&mut d, cost).map_err(|r| skip(&address, r))?);
    match m.release_date {
        Some(Value::String(date)) if date.len() == 10 => d.raw.release_date = Some(date.clone()),
        Some(other) => d.note(format!(
            "release_date {} is not a whole date: not imported",
            describe(other)
        )),
        _ => {}
    }
    if m.deprecated {
        d.note(
            "models.dev marks it deprecated (no longer served by the provider's API), with no date",
        );
    }
    Ok(d)
}

fn limits(d: &mut Draft, m: &Model) -> std::result::Result<(), String> {
    d.raw.context_window = d.count(m.limit_context, "limit.context")?;
    d.source("contextWindow", "limit.context");
    d.raw.max_input_tokens = d.count(m.limit_input, "limit.input")?;
    d.source("maxInputTokens", "limit.input");
    let output = d.count(m.limit_output, "limit.output")?;
    // models.dev writes 0 where it does not know the limit.
    d.raw.max_output_tokens = output.filter(|n| *n != 0.0);
    d.source("maxOutputTokens", "limit.output");
    Ok(())
}

/// `cost` and its `context_over_200k` as the schema's prices.
fn prices(d: &mut Draft, cost: &Value) -> std::result::Result<RawPrices, String> {
    let Value::Object(c) = cost else {
        return Err(format!("cost: {} is not a set of prices", describe(cost)));
    };
    let mut list = one(d, c, "prices", "cost")?;
    match c.get("context_over_200k") {
        None | Some(Value::Null) => {}
        Some(Value::Object(over)) => {
            let mut tier = one(d, over, "prices.tiers[0]", "cost.context_over_200k")?;
            tier.above_input_tokens = Some(200_000.0);
            list.tiers.push(tier);
        }
        Some(other) => {
            return Err(format!(
                "cost.context_over_200k: {} is not a set of prices",
                describe(other)
            ))
        }
    }
    Ok(list)
}

fn one(
    d: &mut Draft,
    c: &serde_json::Map<String, Value>,
    at: &str,
    map: &str,
) -> std::result::Result<RawPrices, String> {
    let provider = d.raw.provider.clone().unwrap_or_default();
    let known = infer::default_write_lifetime(&provider);
    let lifetime = known.unwrap_or("5m");
    let mut price = |name: &str, field: &str| {
        d.price(
            c.get(name),
            Scale::PerMillion,
            &format!("{at}.{field}"),
            &format!("{map}.{name}"),
        )
    };
    let mut list = RawPrices {
        input: price("input", "input")?,
        output: price("output", "output")?,
        cached_input: price("cache_read", "cachedInput")?,
        ..RawPrices::default()
    };
    if let Some(w) = price("cache_write", &format!("cacheWrites.{lifetime}"))? {
        list.cache_writes.insert(lifetime.to_string(), w);
        if known.is_none() {
            d.note(format!(
                "the lifetime of {provider}'s cache writes is not known: taken as 5 minutes"
            ));
        }
    }
    let handled = [
        "input",
        "output",
        "cache_read",
        "cache_write",
        "context_over_200k",
    ];
    let reasoning_same = c.get("reasoning") == c.get("output");
    let others: Vec<&str> = c
        .iter()
        .filter(|(k, v)| !handled.contains(&k.as_str()) && !v.is_null())
        .filter(|(k, _)| !(k.as_str() == "reasoning" && reasoning_same))
        .map(|(k, _)| k.as_str())
        .collect();
    if !others.is_empty() {
        d.note(not_imported(&others));
    }
    Ok(list)
}
