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

use serde::Deserialize;
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

#[derive(Deserialize)]
struct Provider {
    models: serde_json::Map<String, Value>,
}

#[derive(Deserialize)]
struct Model {
    id: Option<Value>,
    name: Option<Value>,
    reasoning: Option<Value>,
    release_date: Option<Value>,
    modalities: Option<Modalities>,
    cost: Option<Value>,
    limit: Option<Limit>,
    status: Option<Value>,
}

#[derive(Deserialize)]
struct Modalities {
    output: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct Limit {
    context: Option<Value>,
    input: Option<Value>,
    output: Option<Value>,
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
        match Provider::deserialize(p) {
            Ok(p) => out.extend(p.models.iter().map(|(key, m)| entry(provider, key, m))),
            Err(e) => out.push(Err(skip(
                provider,
                format!("not a provider with models: {e}"),
            ))),
        }
    }
    Ok(out)
}

fn entry(provider: &str, key: &str, v: &Value) -> Entry {
    let address = format!("{provider}/{key}");
    let m = Model::deserialize(v).map_err(|e| skip(&address, format!("not a model entry: {e}")))?;
    let outputs: Vec<&str> = m
        .modalities
        .as_ref()
        .and_then(|m| m.output.as_ref())
        .map(|o| o.iter().filter_map(Value::as_str).collect())
        .unwrap_or_else(|| vec!["text"]);
    if !outputs.contains(&"text") {
        return Err(skip(
            &address,
            format!(
                "outputs {}, not text: not priced by text tokens",
                outputs.join("+")
            ),
        ));
    }
    let id = m.id.as_ref().and_then(Value::as_str).unwrap_or(key);
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
    } else if m.reasoning.as_ref() == Some(&Value::Bool(true)) {
        "reasoning"
    } else {
        "chat"
    };
    d.raw.kind = Some(kind.to_string());
    d.raw.name = m.name.as_ref().and_then(Value::as_str).map(str::to_string);
    limits(&mut d, m.limit.as_ref()).map_err(|r| skip(&address, r))?;
    let cost = m
        .cost
        .as_ref()
        .filter(|c| !c.is_null())
        .ok_or_else(|| skip(&address, "no cost: a missing price is never taken as $0"))?;
    d.raw.prices = Some(prices(&mut d, cost).map_err(|r| skip(&address, r))?);
    match m.release_date.as_ref() {
        Some(Value::String(date)) if date.len() == 10 => d.raw.release_date = Some(date.clone()),
        Some(other) if !other.is_null() => d.note(format!(
            "release_date {} is not a whole date: not imported",
            describe(other)
        )),
        _ => {}
    }
    if m.status.as_ref().and_then(Value::as_str) == Some("deprecated") {
        d.note(
            "models.dev marks it deprecated (no longer served by the provider's API), with no date",
        );
    }
    Ok(d)
}

fn limits(d: &mut Draft, limit: Option<&Limit>) -> std::result::Result<(), String> {
    let none = Value::Null;
    let get = |f: fn(&Limit) -> Option<&Value>| limit.and_then(f).unwrap_or(&none);
    d.raw.context_window = d.count(Some(get(|l| l.context.as_ref())), "limit.context")?;
    d.source("contextWindow", "limit.context");
    d.raw.max_input_tokens = d.count(Some(get(|l| l.input.as_ref())), "limit.input")?;
    d.source("maxInputTokens", "limit.input");
    let output = d.count(Some(get(|l| l.output.as_ref())), "limit.output")?;
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
