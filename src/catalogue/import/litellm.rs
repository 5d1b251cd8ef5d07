//! LiteLLM's `model_prices_and_context_window.json`: an object keyed by
//! model name, prices in USD per token.
//!
//! Ids: the key, less a `<litellm_provider>/` prefix when that provider's
//! API ids are the catalogue's (`together_ai/meta-llama/Llama-3.3-70B-...`
//! is Together's `meta-llama/llama-3.3-70b-...`, `gemini/gemini-2.5-pro` is
//! Google's `gemini-2.5-pro`). Other hosts' keys stay whole (`azure/gpt-4o`,
//! `groq/llama-3.3-70b-versatile`): stripped, they would take the
//! first-party model's id at another host's prices.
//!
//! Prices: `input_cost_per_token` and `output_cost_per_token`; cache reads
//! (`cache_read_input_token_cost`, or DeepSeek's
//! `input_cost_per_token_cache_hit`); cache writes
//! (`cache_creation_input_token_cost` at the provider's default lifetime,
//! `..._above_1hr` at one hour); `..._batches`; long-context tiers
//! (`..._above_<N>k_tokens`, whole-request above N thousand input tokens);
//! service tiers (`..._flex`, `..._priority`, with their own tiers).
//!
//! Limits: LiteLLM gives `max_input_tokens` (the legacy `max_tokens` when it
//! is missing) and `max_output_tokens`, not the whole window; the import
//! takes `max_input_tokens` as a window that input and output share, the
//! reading that never lets a request through that the provider refuses.

use serde_json::Value;

use super::units::{describe, Scale};
use super::{infer, not_the_format, skip, Draft, Entry, Format};
use crate::catalogue::schema::RawPrices;
use crate::error::Result;

/// LiteLLM's provider names whose keys, less the prefix, are the
/// catalogue's ids.
const PROVIDERS: &[(&str, &str)] = &[
    ("openai", "openai"),
    ("text-completion-openai", "openai"),
    ("anthropic", "anthropic"),
    ("gemini", "google"),
    ("xai", "xai"),
    ("deepseek", "deepseek"),
    ("mistral", "mistral"),
    ("codestral", "mistral"),
    ("together_ai", "together"),
    ("cloudflare", "cloudflare-workers-ai"),
];

/// One entry of the map, as the import reads it: borrowed from the JSON.
/// Every key that is not one of these (the many `supports_*` flags, and
/// the costs) is read from `all`.
struct LiteEntry<'a> {
    litellm_provider: Option<&'a str>,
    mode: Option<&'a Value>,
    max_input_tokens: Option<&'a Value>,
    max_output_tokens: Option<&'a Value>,
    max_tokens: Option<&'a Value>,
    deprecation_date: Option<&'a Value>,
    supports_reasoning: bool,
    aliases: Option<&'a Value>,
    all: &'a serde_json::Map<String, Value>,
}

impl<'a> LiteEntry<'a> {
    fn of(v: &'a Value) -> Option<LiteEntry<'a>> {
        let all = v.as_object()?;
        Some(LiteEntry {
            litellm_provider: all.get("litellm_provider").and_then(Value::as_str),
            mode: all.get("mode").filter(|m| !m.is_null()),
            max_input_tokens: all.get("max_input_tokens"),
            max_output_tokens: all.get("max_output_tokens"),
            max_tokens: all.get("max_tokens"),
            deprecation_date: all.get("deprecation_date"),
            supports_reasoning: all.get("supports_reasoning") == Some(&Value::Bool(true)),
            aliases: all.get("aliases"),
            all,
        })
    }
}

pub(super) fn read(data: &Value) -> Result<Vec<Entry>> {
    let Value::Object(map) = data else {
        return Err(not_the_format(
            Format::LiteLlm,
            "an object of model entries keyed by model name",
        ));
    };
    if !map.is_empty() && !map.values().any(Value::is_object) {
        return Err(not_the_format(
            Format::LiteLlm,
            "none of its values is a model entry",
        ));
    }
    Ok(map.iter().map(|(key, v)| entry(key, v)).collect())
}

fn entry(key: &str, v: &Value) -> Entry {
    if key == "sample_spec" {
        return Err(skip(
            key,
            "LiteLLM's documentation of its fields, not a model",
        ));
    }
    let e = LiteEntry::of(v)
        .ok_or_else(|| skip(key, format!("{} is not a model entry", describe(v))))?;
    let provider = e.litellm_provider.unwrap_or_default().to_string();
    let kind = kind(&e).map_err(|r| skip(key, r))?;
    let (id, catalogue_provider) = match infer::catalogue_provider(&provider, PROVIDERS) {
        Some(p) => (
            key.strip_prefix(&format!("{provider}/")).unwrap_or(key),
            Some(p),
        ),
        None => (key, None),
    };
    let owner = catalogue_provider.unwrap_or(if provider.is_empty() {
        "litellm"
    } else {
        &provider
    });
    let mut d = Draft::new(
        Format::LiteLlm,
        key,
        id,
        owner,
        catalogue_provider.is_some(),
    );
    if e.mode.is_none() {
        d.note("no mode given: imported as a chat model");
    }
    d.raw.kind = Some(kind.to_string());
    limits(&mut d, &e).map_err(|r| skip(key, r))?;
    prices(&mut d, e.all).map_err(|r| skip(key, r))?;
    match e.deprecation_date {
        None | Some(Value::Null) => {}
        Some(Value::String(date)) => d.raw.deprecation_date = Some(date.clone()),
        Some(other) => {
            return Err(skip(
                key,
                format!("deprecation_date: {} is not a date", describe(other)),
            ))
        }
    }
    if let Some(Value::Array(names)) = e.aliases {
        d.add_names(names.iter().filter_map(|n| n.as_str().map(str::to_string)));
    }
    Ok(d)
}

/// The catalogue's kind for LiteLLM's `mode`: chat, completion and
/// responses entries are priced by text tokens as chat models are; images,
/// audio, moderation, rerank and search are priced otherwise.
fn kind(e: &LiteEntry) -> std::result::Result<&'static str, String> {
    let reasoning = e.supports_reasoning;
    match e.mode {
        None => Ok(if reasoning { "reasoning" } else { "chat" }),
        Some(Value::String(m)) if matches!(m.as_str(), "chat" | "completion" | "responses") => {
            Ok(if reasoning { "reasoning" } else { "chat" })
        }
        Some(Value::String(m)) if m == "embedding" => Ok("embedding"),
        Some(other) => Err(format!(
            "mode {}: not priced by text tokens (chat, completion, responses and embedding entries are imported)",
            describe(other)
        )),
    }
}

fn limits(d: &mut Draft, e: &LiteEntry) -> std::result::Result<(), String> {
    let input = d.count(e.max_input_tokens, "max_input_tokens")?;
    let legacy = d.count(e.max_tokens, "max_tokens")?;
    let window_from = match (input, legacy) {
        (Some(_), _) => "max_input_tokens",
        (None, Some(_)) => {
            d.note("the window is LiteLLM's legacy max_tokens, which may be a max output instead (a smaller window is the safe reading)");
            "max_tokens"
        }
        (None, None) => "max_input_tokens",
    };
    d.raw.context_window = input.or(legacy);
    d.source("contextWindow", window_from);
    d.raw.max_output_tokens = d.count(e.max_output_tokens, "max_output_tokens")?;
    d.source("maxOutputTokens", "max_output_tokens");
    Ok(())
}

/// What one cost key prices.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum What {
    Input,
    Output,
    CacheRead,
    /// DeepSeek's name for cache reads.
    CacheHit,
    CacheWrite,
    CacheWrite1h,
}

/// A cost key read: what it prices, above which input length, and in which
/// service tier (`flex`, `priority`, or `batch` for the batch API).
fn parse_key(key: &str) -> Option<(What, Option<u64>, Option<&'static str>)> {
    let mut rest = key;
    let mut tier = None;
    for (suffix, name) in [
        ("_flex", "flex"),
        ("_priority", "priority"),
        ("_batches", "batch"),
    ] {
        if let Some(r) = rest.strip_suffix(suffix) {
            rest = r;
            tier = Some(name);
            break;
        }
    }
    let mut above = None;
    if let Some((head, n)) = rest
        .strip_suffix("_tokens")
        .and_then(|r| r.rsplit_once("_above_"))
    {
        let (digits, unit) = match (n.strip_suffix('k'), n.strip_suffix('m')) {
            (Some(d), _) => (d, 1_000u64),
            (None, Some(d)) => (d, 1_000_000),
            _ => return None,
        };
        above = Some(digits.parse::<u64>().ok()?.checked_mul(unit)?);
        rest = head;
    }
    let one_hour = match rest.strip_suffix("_above_1hr") {
        Some(r) => {
            rest = r;
            true
        }
        None => false,
    };
    let what = match (rest, one_hour) {
        ("input_cost_per_token", false) => What::Input,
        ("output_cost_per_token", false) => What::Output,
        ("cache_read_input_token_cost", false) => What::CacheRead,
        ("input_cost_per_token_cache_hit", false) => What::CacheHit,
        ("cache_creation_input_token_cost", false) => What::CacheWrite,
        ("cache_creation_input_token_cost", true) => What::CacheWrite1h,
        _ => return None,
    };
    // The batch API has one input and one output price.
    if tier == Some("batch") && (above.is_some() || !matches!(what, What::Input | What::Output)) {
        return None;
    }
    Some((what, above, tier))
}

/// The schema path of a price in the group of `(tier, above)`, where the
/// group's long-context tier is number `index` of its list.
fn path(tier: Option<&str>, index: Option<usize>, field: &str) -> String {
    let base = match tier {
        None | Some("batch") => "prices".to_string(),
        Some(t) => format!("prices.serviceTiers.{t}"),
    };
    match index {
        Some(i) => format!("{base}.tiers[{i}].{field}"),
        None => format!("{base}.{field}"),
    }
}

/// A cost key the import reads: its value, and what it prices where.
struct Cost<'a> {
    key: &'a str,
    value: &'a Value,
    what: What,
    above: Option<u64>,
    tier: Option<&'static str>,
}

/// A group of prices: the list or a service tier, and the long-context
/// threshold above which they apply.
type Group = (Option<&'static str>, Option<u64>);

/// The prices' group: the list itself or a named service tier; the batch
/// prices belong to the list.
fn group(tier: Option<&'static str>) -> Option<&'static str> {
    tier.filter(|t| *t != "batch")
}

/// The cost keys the import reads (with a value), and the priced ones it
/// cannot hold.
fn classify(rest: &serde_json::Map<String, Value>) -> (Vec<Cost<'_>>, Vec<&str>) {
    let mut costs = Vec::new();
    let mut others = Vec::new();
    for (key, value) in rest {
        match parse_key(key) {
            Some((what, above, tier)) if !value.is_null() => costs.push(Cost {
                key,
                value,
                what,
                above,
                tier,
            }),
            Some(_) => {}
            None if ["cost", "price", "pricing"].iter().any(|w| key.contains(w))
                && priced(value) =>
            {
                others.push(key.as_str())
            }
            None => {}
        }
    }
    (costs, others)
}

/// A group's long-context thresholds in order: where its tiers go.
fn thresholds(costs: &[Cost], of: Option<&str>) -> Vec<u64> {
    let mut out: Vec<u64> = costs
        .iter()
        .filter(|c| group(c.tier) == of)
        .filter_map(|c| c.above)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn prices(d: &mut Draft, rest: &serde_json::Map<String, Value>) -> std::result::Result<(), String> {
    let provider = d.raw.provider.clone().unwrap_or_default();
    let lifetime = infer::default_write_lifetime(&provider);
    let write = format!("cacheWrites.{}", lifetime.unwrap_or("5m"));
    let (costs, others) = classify(rest);
    d.source("prices.input", "input_cost_per_token");
    d.source("prices.output", "output_cost_per_token");
    // (group, above) -> its prices.
    let mut groups: Vec<(Group, RawPrices)> = Vec::new();
    for c in &costs {
        let index = c.above.map(|n| {
            let t = thresholds(&costs, group(c.tier));
            t.iter().take_while(|&&x| x < n).count()
        });
        let field = match (c.what, c.tier) {
            (What::Input, Some("batch")) => "batchInput",
            (What::Output, Some("batch")) => "batchOutput",
            (What::Input, _) => "input",
            (What::Output, _) => "output",
            (What::CacheRead | What::CacheHit, _) => "cachedInput",
            (What::CacheWrite, _) => write.as_str(),
            (What::CacheWrite1h, _) => "cacheWrites.1h",
        };
        let schema = path(c.tier, index, field);
        if let Some(usd) = d.price(Some(c.value), Scale::PerToken, &schema, c.key)? {
            // Kept in order: the list itself first, then its tiers by
            // threshold, then the service tiers, each before its own tiers.
            let at = (group(c.tier), c.above);
            let i = match groups.binary_search_by_key(&at, |(k, _)| *k) {
                Ok(i) => i,
                Err(i) => {
                    groups.insert(i, (at, RawPrices::default()));
                    i
                }
            };
            let Some((_, g)) = groups.get_mut(i) else {
                continue;
            };
            g.above_input_tokens = c.above.map(|n| n as f64);
            set(g, c, usd, lifetime.unwrap_or("5m"));
        }
    }
    if lifetime.is_none() && costs.iter().any(|c| c.what == What::CacheWrite) {
        d.note(format!(
            "the lifetime of {provider}'s cache writes is not known: taken as 5 minutes"
        ));
    }
    if !others.is_empty() {
        d.note(not_imported(&others));
    }
    d.raw.prices = Some(assemble(groups));
    Ok(())
}

/// One price into its group.
fn set(g: &mut RawPrices, c: &Cost, usd: f64, lifetime: &str) {
    match c.what {
        What::Input if c.tier == Some("batch") => g.batch_input = Some(usd),
        What::Output if c.tier == Some("batch") => g.batch_output = Some(usd),
        What::Input => g.input = Some(usd),
        What::Output => g.output = Some(usd),
        What::CacheRead => g.cached_input = Some(usd),
        What::CacheHit => g.cached_input = g.cached_input.or(Some(usd)),
        What::CacheWrite => {
            g.cache_writes.insert(lifetime.to_string(), usd);
        }
        What::CacheWrite1h => {
            g.cache_writes.insert("1h".to_string(), usd);
        }
    }
}

/// Whether a cost field the import cannot hold is worth a note: a price
/// that is there and not zero.
fn priced(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::Null | Value::Bool(false) => false,
        _ => true,
    }
}

/// The note for prices the catalogue has no place for.
pub(super) fn not_imported(names: &[&str]) -> String {
    let shown: Vec<&str> = names.iter().take(8).copied().collect();
    let more = names.len().saturating_sub(shown.len());
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "not imported, as the catalogue prices text tokens only: {}{tail}",
        shown.join(", ")
    )
}

/// The groups as one price list: the list's own prices, its long-context
/// tiers (by threshold), and its service tiers with theirs.
fn assemble(groups: Vec<(Group, RawPrices)>) -> RawPrices {
    let mut list = RawPrices::default();
    for ((tier, above), mut g) in groups {
        match (tier, above) {
            (None, None) => {
                g.tiers = std::mem::take(&mut list.tiers);
                g.service_tiers = std::mem::take(&mut list.service_tiers);
                list = g;
            }
            (None, Some(_)) => list.tiers.push(g),
            (Some(t), None) => {
                let slot = list.service_tiers.entry(t.to_string()).or_default();
                g.tiers = std::mem::take(&mut slot.tiers);
                *slot = g;
            }
            (Some(t), Some(_)) => list
                .service_tiers
                .entry(t.to_string())
                .or_default()
                .tiers
                .push(g),
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_it_cannot_hold_are_named() {
        let entry = serde_json::json!({
            "input_cost_per_token": 1e-6,
            "input_cost_per_audio_token": 1e-5,
            "output_cost_per_image": 0.0,
            "tiered_pricing": [{ "input_cost_per_token": 1e-6, "range": [0, 32000] }],
            "supports_vision": true
        });
        let (costs, others) = classify(entry.as_object().unwrap());
        assert_eq!(costs.len(), 1);
        assert_eq!(others, vec!["input_cost_per_audio_token", "tiered_pricing"]);
    }

    #[test]
    fn cost_keys() {
        let k = |s| parse_key(s);
        assert!(k("input_cost_per_token") == Some((What::Input, None, None)));
        assert!(
            k("output_cost_per_token_above_200k_tokens")
                == Some((What::Output, Some(200_000), None))
        );
        assert!(
            k("input_cost_per_token_above_272k_tokens_priority")
                == Some((What::Input, Some(272_000), Some("priority")))
        );
        assert!(
            k("cache_creation_input_token_cost_above_1hr_above_200k_tokens")
                == Some((What::CacheWrite1h, Some(200_000), None))
        );
        assert!(
            k("cache_read_input_token_cost_flex") == Some((What::CacheRead, None, Some("flex")))
        );
        assert!(k("input_cost_per_token_batches") == Some((What::Input, None, Some("batch"))));
        assert!(k("input_cost_per_token_above_1hr").is_none());
        assert!(k("cache_read_input_token_cost_batches").is_none());
        assert!(k("input_cost_per_audio_token").is_none());
        assert!(k("input_cost_per_token_above_xk_tokens").is_none());
        assert!(k("input_cost_per_token_above_k_tokens").is_none());
        assert!(k("input_cost_per_token_above_2é_tokens").is_none());
        assert!(
            k("input_cost_per_token_above_1m_tokens") == Some((What::Input, Some(1_000_000), None))
        );
    }
}
