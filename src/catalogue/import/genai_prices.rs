//! pydantic's genai-prices `prices/data.json`: an array of providers, each
//! with its models; prices in USD per 1M tokens.
//!
//! Ids: the model's `id` within its provider block, lowercased; the ids its
//! `match` names exactly (`{"equals": ...}`, through `or`) are the same
//! model at the same prices, so they become its snapshots (dated) or
//! aliases. Hosts that resell others' models (Azure's `gpt-4o`) give the
//! same id as the first party: the first party's entry is taken.
//!
//! Prices: `input_mtok`, `output_mtok`, `cache_read_mtok`,
//! `cache_write_mtok` (the provider's default lifetime); a tiered price
//! (`{ base, tiers: [{ start, price }] }`, the tier's price for every token
//! once the input passes `start`) becomes whole-request tiers above
//! `start`. A list of conditional prices becomes the catalogue's dated
//! price lists (`start_date` constraints: later entries win from their
//! date) and time windows (`start_time`/`end_time`, UTC). genai-prices has
//! no max output: the window is used, and the model's `uncertain` says so.

use serde_json::Value;

use super::litellm::not_imported;
use super::units::{describe, Scale};
use super::{infer, not_the_format, skip, Draft, Entry, Format};
use crate::catalogue::schema::RawPrices;
use crate::error::Result;
use crate::time::Day;

const PROVIDERS: &[(&str, &str)] = &[
    ("openai", "openai"),
    ("anthropic", "anthropic"),
    ("google", "google"),
    ("x-ai", "xai"),
    ("x_ai", "xai"),
    ("xai", "xai"),
    ("deepseek", "deepseek"),
    ("mistral", "mistral"),
    ("together", "together"),
    ("cloudflare", "cloudflare-workers-ai"),
];

/// A provider block, as the import reads it: borrowed from the JSON.
struct Provider<'a> {
    id: &'a str,
    models: &'a Vec<Value>,
}

impl<'a> Provider<'a> {
    fn of(v: &'a Value) -> std::result::Result<Provider<'a>, &'static str> {
        Ok(Provider {
            id: v.get("id").and_then(Value::as_str).ok_or("no id")?,
            models: v
                .get("models")
                .and_then(Value::as_array)
                .ok_or("no models")?,
        })
    }
}

/// One model of a provider block.
struct ModelInfo<'a> {
    id: &'a str,
    name: Option<&'a str>,
    matches: Option<&'a Value>,
    context_window: Option<&'a Value>,
    prices: &'a Value,
    deprecated: bool,
}

impl<'a> ModelInfo<'a> {
    fn of(v: &'a Value) -> std::result::Result<ModelInfo<'a>, &'static str> {
        Ok(ModelInfo {
            id: v.get("id").and_then(Value::as_str).ok_or("no id")?,
            name: v.get("name").and_then(Value::as_str),
            matches: v.get("match"),
            context_window: v.get("context_window"),
            prices: v.get("prices").ok_or("no prices")?,
            deprecated: v.get("deprecated") == Some(&Value::Bool(true)),
        })
    }
}

/// When a conditional price applies.
#[derive(Clone, PartialEq)]
enum When {
    Always,
    From(Day),
    /// UTC minutes since midnight, end exclusive.
    Daily(u32, u32),
}

pub(super) fn read(data: &Value) -> Result<Vec<Entry>> {
    let Value::Array(providers) = data else {
        return Err(not_the_format(
            Format::GenaiPrices,
            "an array of providers, each with its models",
        ));
    };
    let shaped = |p: &Value| p.get("models").is_some_and(Value::is_array);
    if !providers.is_empty() && !providers.iter().any(shaped) {
        return Err(not_the_format(
            Format::GenaiPrices,
            "none of its items is a provider with models",
        ));
    }
    let mut out = Vec::new();
    for (i, p) in providers.iter().enumerate() {
        match Provider::of(p) {
            Ok(provider) => out.extend(
                provider
                    .models
                    .iter()
                    .enumerate()
                    .map(|(j, m)| entry(provider.id, j, m)),
            ),
            Err(e) => {
                let key = p
                    .get("id")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("[{i}]"), str::to_string);
                out.push(Err(skip(&key, format!("not a provider with models: {e}"))));
            }
        }
    }
    Ok(out)
}

fn entry(provider: &str, index: usize, v: &Value) -> Entry {
    let key = match v.get("id").and_then(Value::as_str) {
        Some(id) => format!("{provider}/{id}"),
        None => format!("{provider}/models[{index}]"),
    };
    let m = ModelInfo::of(v).map_err(|e| skip(&key, format!("not a model entry: {e}")))?;
    let catalogue_provider = infer::catalogue_provider(provider, PROVIDERS);
    let mut d = Draft::new(
        Format::GenaiPrices,
        &key,
        m.id,
        catalogue_provider.unwrap_or(provider),
        catalogue_provider.is_some(),
    );
    let embedding = d.raw.id.contains("embed");
    d.raw.kind = Some(if embedding { "embedding" } else { "chat" }.to_string());
    d.raw.name = m.name.map(str::to_string);
    d.raw.context_window = d
        .count(m.context_window, "context_window")
        .map_err(|r| skip(&key, r))?;
    d.source("contextWindow", "context_window");
    if let Some(clause) = m.matches {
        let mut names = Vec::new();
        equals(clause, &mut names);
        d.add_names(names);
    }
    if m.deprecated {
        d.note("genai-prices marks it deprecated, with no date");
    }
    lists(&mut d, m.prices).map_err(|r| skip(&key, r))?;
    Ok(d)
}

/// The ids a `match` clause names exactly, through `or`; `and`,
/// `starts_with` and the others name sets, not ids.
fn equals(clause: &Value, out: &mut Vec<String>) {
    if let Some(id) = clause.get("equals").and_then(Value::as_str) {
        out.push(id.to_string());
    }
    if let Some(Value::Array(any)) = clause.get("or") {
        for c in any {
            equals(c, out);
        }
    }
}

/// The model's price lists: one, or dated ones with time windows.
fn lists(d: &mut Draft, prices: &Value) -> std::result::Result<(), String> {
    // A conditional price: its constraint (none: always) and its prices.
    let conditional: Vec<(Option<&Value>, &Value)> = match prices {
        Value::Array(items) => items
            .iter()
            .map(|c| match c.get("prices") {
                Some(p) => Ok((c.get("constraint"), p)),
                None => Err("prices: a conditional price without prices".to_string()),
            })
            .collect::<std::result::Result<_, _>>()?,
        other => vec![(None, other)],
    };
    if conditional.is_empty() {
        return Err("prices: an empty list".to_string());
    }
    let mut entries = Vec::with_capacity(conditional.len());
    for (constraint, prices) in conditional {
        entries.push((when(constraint)?, price_set(d, prices)?));
    }
    let mut segments = segments(&entries);
    let mut current = segments.pop().unwrap_or_default();
    current.until = None;
    d.raw.prices = Some(current);
    d.raw.price_history = segments;
    Ok(())
}

fn when(constraint: Option<&Value>) -> std::result::Result<When, String> {
    let Some(c) = constraint.filter(|c| !c.is_null()) else {
        return Ok(When::Always);
    };
    if let Some(date) = c.get("start_date") {
        let text = date.as_str().unwrap_or_default();
        return Day::parse(text, "constraint.start_date")
            .map(When::From)
            .map_err(|e| e.message().to_string());
    }
    match (c.get("start_time"), c.get("end_time")) {
        (Some(s), Some(e)) => Ok(When::Daily(
            clock(s, "constraint.start_time")?,
            clock(e, "constraint.end_time")?,
        )),
        _ => Err(format!(
            "constraint: {} has neither a start_date nor a start_time with an end_time",
            crate::encodings::truncate_for_message(&c.to_string())
        )),
    }
}

/// `HH:MM[:SS[.fff]]` with a timezone (`Z`, `+HH:MM`, `-HH:MM`), as UTC
/// minutes since midnight. The catalogue's windows are whole minutes.
fn clock(v: &Value, field: &str) -> std::result::Result<u32, String> {
    let bad = || {
        format!(
            "{field}: {} is not a time of day with a timezone",
            describe(v)
        )
    };
    let text = v.as_str().ok_or_else(bad)?;
    let split = text.find(['Z', '+', '-']).ok_or_else(bad)?;
    let (time, zone) = text.split_at(split);
    let mut parts = time.split(':');
    let mut num = |max: u32| -> Option<u32> {
        let p = parts.next()?;
        (p.len() == 2)
            .then(|| p.parse().ok())
            .flatten()
            .filter(|n| *n < max)
    };
    let (h, m) = (num(24).ok_or_else(bad)?, num(60).ok_or_else(bad)?);
    if let Some(seconds) = parts.next() {
        let zero = seconds.bytes().all(|b| b == b'0' || b == b'.');
        if seconds.len() < 2 || !zero {
            return Err(format!("{field}: {text} is not on a whole minute"));
        }
    }
    let offset: i64 = match zone {
        "Z" | "+00:00" | "-00:00" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let (zh, zm) = z.get(1..).and_then(|r| r.split_once(':')).ok_or_else(bad)?;
            let zh: i64 = zh.parse().map_err(|_| bad())?;
            let zm: i64 = zm.parse().map_err(|_| bad())?;
            sign * (zh * 60 + zm)
        }
    };
    Ok((i64::from(h * 60 + m) - offset).rem_euclid(1440) as u32)
}

/// One `ModelPrice` as the schema's prices, its tiered fields merged into
/// whole-request tiers.
fn price_set(d: &mut Draft, v: &Value) -> std::result::Result<RawPrices, String> {
    let Value::Object(fields) = v else {
        return Err(format!("prices: {} is not a set of prices", describe(v)));
    };
    let provider = d.raw.provider.clone().unwrap_or_default();
    let lifetime = infer::default_write_lifetime(&provider).unwrap_or("5m");
    let slots = [
        ("input_mtok", "input".to_string()),
        ("output_mtok", "output".to_string()),
        ("cache_read_mtok", "cachedInput".to_string()),
        ("cache_write_mtok", format!("cacheWrites.{lifetime}")),
        ("cache_write_1h_mtok", "cacheWrites.1h".to_string()),
    ];
    d.source("prices.input", "input_mtok");
    d.source("prices.output", "output_mtok");
    let mut base = RawPrices::default();
    // threshold -> (schema field, price) for each tiered field.
    let mut by_field: Vec<(String, Vec<(u64, f64)>)> = Vec::new();
    for (name, field) in &slots {
        let Some(value) = fields.get(*name).filter(|v| !v.is_null()) else {
            continue;
        };
        let (flat, tiers) = match value {
            Value::Object(t) => (t.get("base"), Some(t.get("tiers"))),
            other => (Some(other), None),
        };
        let price = d.price(flat, Scale::PerMillion, &format!("prices.{field}"), name)?;
        set(&mut base, field, price);
        if let Some(tiers) = tiers {
            by_field.push((field.clone(), tier_list(d, tiers, name)?));
        }
    }
    if fields.contains_key("cache_write_mtok") && infer::default_write_lifetime(&provider).is_none()
    {
        d.note(format!(
            "the lifetime of {provider}'s cache writes is not known: taken as 5 minutes"
        ));
    }
    let others: Vec<&str> = fields
        .keys()
        .map(String::as_str)
        .filter(|k| !slots.iter().any(|(n, _)| n == k))
        .collect();
    if !others.is_empty() {
        d.note(not_imported(&others));
    }
    base.tiers = merge_tiers(&by_field);
    Ok(base)
}

fn tier_list(
    d: &mut Draft,
    tiers: Option<&Value>,
    name: &str,
) -> std::result::Result<Vec<(u64, f64)>, String> {
    let Some(Value::Array(items)) = tiers else {
        return Err(format!("{name}.tiers: not a list of tiers"));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, t) in items.iter().enumerate() {
        let start = t.get("start").and_then(Value::as_u64);
        let field = format!("{name}.tiers[{i}]");
        let price = d.price(t.get("price"), Scale::PerMillion, &field, &field)?;
        match (start, price) {
            (Some(s), Some(p)) => out.push((s, p)),
            _ => return Err(format!("{field}: needs a start (tokens) and a price")),
        }
    }
    Ok(out)
}

fn set(p: &mut RawPrices, field: &str, price: Option<f64>) {
    let Some(price) = price else { return };
    match field {
        "input" => p.input = Some(price),
        "output" => p.output = Some(price),
        "cachedInput" => p.cached_input = Some(price),
        other => {
            let lifetime = other.strip_prefix("cacheWrites.").unwrap_or("5m");
            p.cache_writes.insert(lifetime.to_string(), price);
        }
    }
}

/// Per-field tiers as whole-request ones: above each threshold any field
/// names, every tiered field at its price there (its last tier that starts
/// at or below the threshold); a field with no such tier keeps the list's.
fn merge_tiers(by_field: &[(String, Vec<(u64, f64)>)]) -> Vec<RawPrices> {
    let mut thresholds: Vec<u64> = by_field
        .iter()
        .flat_map(|(_, t)| t.iter().map(|(s, _)| *s))
        .collect();
    thresholds.sort_unstable();
    thresholds.dedup();
    thresholds
        .into_iter()
        .map(|threshold| {
            let mut tier = RawPrices {
                above_input_tokens: Some(threshold as f64),
                ..RawPrices::default()
            };
            for (field, tiers) in by_field {
                let at = tiers
                    .iter()
                    .filter(|(s, _)| *s <= threshold)
                    .max_by_key(|(s, _)| *s)
                    .map(|(_, p)| *p);
                set(&mut tier, field, at);
            }
            tier
        })
        .collect()
}

/// The conditional prices as dated lists, oldest first. On each day the
/// last entry in force wins (genai-prices' rule); entries with a time of
/// day after it are its time windows, the later one first where they
/// overlap (the catalogue takes the first window that matches).
fn segments(entries: &[(When, RawPrices)]) -> Vec<RawPrices> {
    let mut dates: Vec<Day> = entries
        .iter()
        .filter_map(|(w, _)| match w {
            When::From(d) => Some(*d),
            _ => None,
        })
        .collect();
    dates.sort_unstable();
    dates.dedup();
    let starts: Vec<Option<Day>> = std::iter::once(None)
        .chain(dates.into_iter().map(Some))
        .collect();
    let mut out: Vec<(Option<Day>, usize, Vec<usize>)> = Vec::new();
    for day in &starts {
        let active = |w: &When| match w {
            When::Always => true,
            When::From(d) => day.is_some_and(|day| *d <= day),
            When::Daily(..) => false,
        };
        let winner = entries.iter().rposition(|(w, _)| active(w)).unwrap_or(0);
        let windows: Vec<usize> = (winner + 1..entries.len())
            .rev()
            .filter(|&i| matches!(entries.get(i), Some((When::Daily(..), _))))
            .collect();
        if out
            .last()
            .is_some_and(|(_, w, ws)| *w == winner && *ws == windows)
        {
            continue;
        }
        out.push((*day, winner, windows));
    }
    let mut lists: Vec<RawPrices> = out
        .iter()
        .map(|(from, winner, windows)| {
            let mut list = entries
                .get(*winner)
                .map(|(_, p)| p.clone())
                .unwrap_or_default();
            list.from = from.map(|d| d.to_string());
            list.time_windows = windows
                .iter()
                .filter_map(|&i| window(entries.get(i)?))
                .collect();
            list
        })
        .collect();
    let froms: Vec<Option<String>> = lists.iter().map(|l| l.from.clone()).collect();
    for (list, next) in lists.iter_mut().zip(froms.into_iter().skip(1)) {
        list.until = next;
    }
    lists
}

fn window((when, prices): &(When, RawPrices)) -> Option<RawPrices> {
    let When::Daily(start, end) = when else {
        return None;
    };
    let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    Some(RawPrices {
        name: Some(format!("{}-{} UTC", hm(*start), hm(*end))),
        start: Some(hm(*start)),
        end: Some(hm(*end)),
        ..prices.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn clocks_in_utc() {
        assert_eq!(clock(&json!("16:30:00Z"), "t"), Ok(990));
        assert_eq!(clock(&json!("00:30:00+00:00"), "t"), Ok(30));
        assert_eq!(clock(&json!("08:30:00+08:00"), "t"), Ok(30));
        assert_eq!(clock(&json!("23:00-02:00"), "t"), Ok(60));
        assert!(clock(&json!("16:30:15Z"), "t").is_err());
        assert!(clock(&json!("16:30:00"), "t").is_err());
        assert!(clock(&json!("25:00:00Z"), "t").is_err());
        assert!(clock(&json!(1630), "t").is_err());
    }

    #[test]
    fn tiered_fields_merge_into_whole_request_tiers() {
        let merged = merge_tiers(&[
            ("input".to_string(), vec![(200_000, 2.5), (1_000_000, 5.0)]),
            ("output".to_string(), vec![(200_000, 15.0)]),
        ]);
        let view: Vec<_> = merged
            .iter()
            .map(|t| (t.above_input_tokens, t.input, t.output))
            .collect();
        assert_eq!(
            view,
            vec![
                (Some(200_000.0), Some(2.5), Some(15.0)),
                (Some(1_000_000.0), Some(5.0), Some(15.0)),
            ]
        );
    }

    #[test]
    fn later_conditions_win_from_their_date() {
        let p = |input: f64| RawPrices {
            input: Some(input),
            output: Some(1.0),
            ..RawPrices::default()
        };
        let day = |s| Day::parse(s, "d").unwrap();
        let lists = segments(&[
            (When::Always, p(10.0)),
            (When::From(day("2025-06-10")), p(2.0)),
            (When::Daily(990, 30), p(1.0)),
        ]);
        let view: Vec<_> = lists
            .iter()
            .map(|l| {
                (
                    l.from.clone(),
                    l.until.clone(),
                    l.input,
                    l.time_windows.len(),
                )
            })
            .collect();
        assert_eq!(
            view,
            vec![
                (None, Some("2025-06-10".to_string()), Some(10.0), 1),
                (Some("2025-06-10".to_string()), None, Some(2.0), 1),
            ]
        );
        // A dated price listed after the window hides it from its date.
        let lists = segments(&[
            (When::Always, p(10.0)),
            (When::Daily(990, 30), p(1.0)),
            (When::From(day("2025-09-05")), p(3.0)),
        ]);
        let windows: Vec<_> = lists.iter().map(|l| l.time_windows.len()).collect();
        assert_eq!(windows, vec![1, 0]);
    }
}
