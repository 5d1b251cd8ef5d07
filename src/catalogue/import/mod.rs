//! Imports from the community price maps: LiteLLM's
//! `model_prices_and_context_window.json`, OpenRouter's `/api/v1/models`,
//! pydantic's genai-prices `data.json` and models.dev's `api.json`.
//!
//! One entry at a time: each reader turns the map into entries, each either
//! a draft model (a [`RawModel`] with notes on what the map left open) or the
//! reason it cannot be one. A draft then goes through the catalogue's own
//! validation, so an imported model is held to the rules of
//! `data/models.json`, and a bad figure is skipped with validation's reason
//! instead of reaching the catalogue. Only input that is not the format at
//! all (not an object, or an array, of the expected shape) is an error.
//!
//! Precedence: the catalogue's figures win by default ([`Prefer::Bundled`]);
//! [`Prefer::Imported`] replaces them. data/README.md ("Imports") documents
//! the id mapping and the units per format.

mod genai_prices;
mod infer;
mod litellm;
mod models_dev;
mod openrouter;
mod units;

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::model::{Kind, Model, TokenizerSpec};
use super::schema::{RawModel, RawPrices};
use super::Catalogue;
use crate::error::{Error, ErrorCode, Result};
use units::Scale;

/// Which map the data is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    LiteLlm,
    OpenRouter,
    GenaiPrices,
    ModelsDev,
}

impl Format {
    pub const NAMES: [&'static str; 4] = ["litellm", "openrouter", "genai-prices", "models.dev"];

    pub fn parse(name: &str, field: &str) -> Result<Format> {
        match name {
            "litellm" => Ok(Format::LiteLlm),
            "openrouter" => Ok(Format::OpenRouter),
            "genai-prices" => Ok(Format::GenaiPrices),
            "models.dev" => Ok(Format::ModelsDev),
            _ => Err(Error::invalid(
                field,
                format!(
                    "{:?} is not a format (\"litellm\", \"openrouter\", \"genai-prices\" or \"models.dev\")",
                    crate::encodings::truncate_for_message(name)
                ),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::LiteLlm => "litellm",
            Format::OpenRouter => "openrouter",
            Format::GenaiPrices => "genai-prices",
            Format::ModelsDev => "models.dev",
        }
    }

    /// The map's name in prose, for notes.
    fn title(self) -> &'static str {
        match self {
            Format::LiteLlm => "LiteLLM's price map",
            Format::OpenRouter => "OpenRouter's model list",
            Format::GenaiPrices => "genai-prices",
            Format::ModelsDev => "models.dev",
        }
    }
}

/// Whose figures win for a model the catalogue already has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Prefer {
    /// The catalogue's: the entry is skipped, with the reason.
    #[default]
    Bundled,
    /// The map's: the model is replaced.
    Imported,
}

impl Prefer {
    pub fn parse(name: &str, field: &str) -> Result<Prefer> {
        match name {
            "bundled" => Ok(Prefer::Bundled),
            "imported" => Ok(Prefer::Imported),
            _ => Err(Error::invalid(
                field,
                format!(
                    "{:?} is not \"bundled\" or \"imported\"",
                    crate::encodings::truncate_for_message(name)
                ),
            )),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportOptions {
    pub format: Format,
    pub prefer: Prefer,
}

/// What an import did: catalogue ids added and replaced, and each entry
/// left out with its reason. Every entry of the map is in exactly one list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub skipped: Vec<Skipped>,
}

/// An entry left out. `id` is where the entry is in the map (LiteLLM's key,
/// OpenRouter's id, `provider/model` for genai-prices and models.dev), so
/// that it can be found there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub id: String,
    pub reason: String,
}

/// One entry of a map, read: a model to place, or why it cannot be one.
type Entry = std::result::Result<Draft, Skipped>;

fn skip(key: &str, reason: impl Into<String>) -> Skipped {
    Skipped {
        id: key.to_string(),
        reason: reason.into(),
    }
}

/// An error about the whole input: not the map the caller named.
fn not_the_format(format: Format, what: &str) -> Error {
    Error::field(
        ErrorCode::InvalidCatalogue,
        "data",
        format!("is not {} ({what})", format.title()),
    )
}

/// A model as one entry of a map describes it, before validation.
struct Draft {
    format: Format,
    /// Where the entry is in the map.
    key: String,
    /// Whether the entry's provider is one whose ids the catalogue uses as
    /// its own (a first-party API, or a host the catalogue has a block
    /// for): of two entries that map to one id, such an entry wins.
    own: bool,
    raw: RawModel,
    /// What the map left open or the import decided, for `uncertain`.
    notes: Vec<String>,
    /// Schema field to the map's field, for the reasons.
    sources: Vec<(String, String)>,
}

impl Draft {
    /// A draft with the catalogue id for `id` as the map writes it:
    /// lowercased, the exact spelling kept as an alias (the catalogue's
    /// rule for host ids), and empty prices for the reader to fill.
    fn new(format: Format, key: &str, id: &str, provider: &str, own: bool) -> Draft {
        let lower = id.to_lowercase();
        let aliases = if lower == id {
            Vec::new()
        } else {
            vec![id.to_string()]
        };
        Draft {
            format,
            key: key.to_string(),
            own,
            raw: RawModel {
                id: lower,
                provider: Some(provider.to_string()),
                aliases,
                prices: Some(RawPrices::default()),
                ..RawModel::default()
            },
            notes: Vec::new(),
            sources: Vec::new(),
        }
    }

    fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }

    fn source(&mut self, schema: &str, map: &str) {
        self.sources.push((schema.to_string(), map.to_string()));
    }

    /// A price from the map, in USD per 1M tokens for the schema; `None`
    /// when null or absent. Records where it came from, and says so when it
    /// had to be rounded.
    fn price(
        &mut self,
        value: Option<&Value>,
        scale: Scale,
        schema: &str,
        map: &str,
    ) -> std::result::Result<Option<f64>, String> {
        self.source(schema, map);
        let Some(value) = value else { return Ok(None) };
        let Some(c) = units::read(value, scale).map_err(|e| format!("{map}: {e}"))? else {
            return Ok(None);
        };
        if c.rounded {
            self.note(format!(
                "{map} {} has more precision than a pico-dollar per token: rounded half up to {} USD per 1M tokens",
                units::describe(value),
                c.usd_per_million()
            ));
        }
        Ok(Some(c.usd_per_million()))
    }

    /// A token count from the map; validation checks that it is whole.
    fn count(&self, value: Option<&Value>, map: &str) -> std::result::Result<Option<f64>, String> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(format!(
                "{map}: {} is not a number of tokens",
                units::describe(other)
            )),
        }
    }

    /// Other names the map gives the model: dated ones become snapshots,
    /// the rest aliases.
    fn add_names(&mut self, names: impl IntoIterator<Item = String>) {
        for name in names {
            let name = name.to_lowercase();
            let raw = &mut self.raw;
            if name == raw.id || raw.aliases.contains(&name) || raw.snapshots.contains(&name) {
                continue;
            }
            if infer::is_dated(&name) {
                raw.snapshots.push(name);
            } else {
                raw.aliases.push(name);
            }
        }
    }
}

impl Catalogue {
    /// Imports a community price map into this catalogue, one entry at a
    /// time (module documentation). Errors only for data that is not the
    /// format at all (`INVALID_CATALOGUE`, field `data`); a fault in one
    /// entry skips that entry, and the report says why.
    pub fn import(&mut self, data: &Value, options: &ImportOptions) -> Result<ImportReport> {
        let entries = match options.format {
            Format::LiteLlm => litellm::read(data)?,
            Format::OpenRouter => openrouter::read(data)?,
            Format::GenaiPrices => genai_prices::read(data)?,
            Format::ModelsDev => models_dev::read(data)?,
        };
        let lost_to = lost_to(&entries);
        let mut report = ImportReport::default();
        for (entry, winner) in entries.into_iter().zip(lost_to) {
            match (entry, winner) {
                (Err(s), _) => report.skipped.push(s),
                (Ok(d), Some(key)) => report.skipped.push(skip(
                    &d.key,
                    format!("maps to {}, as {key} does, whose entry is taken", d.raw.id),
                )),
                (Ok(d), None) => self.place(d, options.prefer, &mut report),
            }
        }
        Ok(report)
    }

    /// Adds, replaces or skips one draft, by precedence.
    fn place(&mut self, d: Draft, prefer: Prefer, report: &mut ImportReport) {
        let existing = self.get(&d.raw.id).cloned();
        if let (Some(m), Prefer::Bundled) = (&existing, prefer) {
            let how = if m.id == d.raw.id {
                String::new()
            } else {
                format!(" (a name of {})", m.id)
            };
            let reason = format!(
                "the catalogue has {}{how}; its own figures are kept (prefer \"imported\" to replace them)",
                d.raw.id
            );
            report.skipped.push(skip(&d.key, reason));
            return;
        }
        let key = d.key.clone();
        match self.build(d, existing.as_ref(), prefer) {
            Ok(model) => {
                let id = model.id.clone();
                self.put(model);
                match existing {
                    Some(_) => report.updated.push(id),
                    None => report.added.push(id),
                }
            }
            Err(reason) => report.skipped.push(skip(&key, reason)),
        }
    }

    /// The validated model for a draft, or the reason there is none.
    fn build(
        &self,
        mut d: Draft,
        existing: Option<&Model>,
        prefer: Prefer,
    ) -> std::result::Result<Model, String> {
        if let Some(m) = existing {
            fill_from(&mut d, m);
        }
        settle_limits(&mut d);
        self.settle_names(&mut d, prefer);
        let provider = d
            .raw
            .provider
            .clone()
            .unwrap_or_else(|| "custom".to_string());
        let inferred = infer::tokenizer(self, &d.raw.id, &provider, existing);
        d.raw.tokenizer = Some(inferred.raw);
        d.raw.uncertain = Some(uncertain(&d));
        let mut model = d
            .raw
            .validate(&provider, FIELD, &self.estimates)
            .map_err(|e| reason(&e, &d.sources))?;
        if let TokenizerSpec::Estimate { profile, .. } = &mut model.tokenizer {
            *profile = inferred.profile;
        }
        Ok(model)
    }

    /// Drops the draft's other names that already name a model it does not
    /// replace, or (preferring the import) takes them from that model, so
    /// that inserting it cannot fail. Another model's own id is never taken.
    fn settle_names(&self, d: &mut Draft, prefer: Prefer) {
        let id = d.raw.id.clone();
        let mut dropped = Vec::new();
        let mut keep = |name: &String| match self.get(name) {
            None => true,
            Some(m) if m.id == id => true,
            Some(m) if prefer == Prefer::Imported && m.id != *name => true,
            Some(m) => {
                dropped.push(format!("{name} (a name of {})", m.id));
                false
            }
        };
        d.raw.aliases.retain(&mut keep);
        d.raw.snapshots.retain(&mut keep);
        if !dropped.is_empty() {
            d.note(format!(
                "names the catalogue gives another model were left out: {}",
                dropped.join(", ")
            ));
        }
    }

    /// Inserts a validated model, first taking each of its names from any
    /// other model that holds it as an alias or snapshot.
    fn put(&mut self, model: Model) {
        let names: Vec<String> = std::iter::once(&model.id)
            .chain(&model.aliases)
            .chain(&model.snapshots)
            .cloned()
            .collect();
        for name in &names {
            let Some(holder) = self.get(name).filter(|m| m.id != model.id && m.id != *name) else {
                continue;
            };
            let mut holder = holder.clone();
            holder.aliases.retain(|n| n != name);
            holder.snapshots.retain(|n| n != name);
            // Fewer names than before: nothing to conflict with.
            let _ = self.insert(holder);
        }
        // settle_names and the loop above leave no name to conflict.
        let _ = self.insert(model);
    }
}

/// The field validation errors are reported under, stripped from reasons.
const FIELD: &str = "imported";

/// A validation error as a reason: the schema field, the map's field it
/// came from where known, and validation's own words.
fn reason(e: &Error, sources: &[(String, String)]) -> String {
    let field = e.field_name().unwrap_or(FIELD);
    let message = e
        .message()
        .strip_prefix(field)
        .and_then(|m| m.strip_prefix(": "))
        .unwrap_or(e.message());
    let schema = field
        .strip_prefix(FIELD)
        .map(|f| f.trim_start_matches('.'))
        .filter(|f| !f.is_empty())
        .unwrap_or(field);
    match sources.iter().find(|(s, _)| s == schema) {
        Some((_, from)) => format!("{schema} (from {from}): {message}"),
        None => format!("{schema}: {message}"),
    }
}

/// Of the entries that map to one id, the one taken is an entry of a
/// provider the catalogue knows before one of another host, else the
/// first. For each entry not taken, the key of the one that is.
fn lost_to(entries: &[Entry]) -> Vec<Option<String>> {
    let draft = |i: usize| entries.get(i).and_then(|e| e.as_ref().ok());
    let mut best: HashMap<String, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let Ok(d) = e else { continue };
        let better = match best.get(&d.raw.id) {
            None => true,
            Some(&b) => d.own && !draft(b).is_some_and(|w| w.own),
        };
        if better {
            best.insert(d.raw.id.clone(), i);
        }
    }
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let taken = *best.get(&e.as_ref().ok()?.raw.id)?;
            (taken != i).then(|| draft(taken).map(|w| w.key.clone()))?
        })
        .collect()
}

/// Takes what the map left out from the model the import replaces: its
/// limits, lifecycle and names (still names of the same model). Prices are
/// the map's; the catalogue's earlier price lists go with its own prices.
fn fill_from(d: &mut Draft, m: &Model) {
    let raw = &mut d.raw;
    let mut filled = Vec::new();
    if raw.context_window.is_none() {
        raw.context_window = Some(m.context_window as f64);
        raw.context_window_covers = Some(m.window_scope.as_str().to_string());
        raw.max_input_tokens = raw
            .max_input_tokens
            .or(m.max_input_tokens.map(|n| n as f64));
        filled.push("window");
    }
    if raw.max_output_tokens.is_none() {
        raw.max_output_tokens = Some(m.max_output_tokens as f64);
        filled.push("max output");
    }
    let day = |d: Option<crate::time::Day>| d.map(|d| d.to_string());
    raw.min_cacheable_tokens = raw
        .min_cacheable_tokens
        .or(m.min_cacheable_tokens.map(|n| n as f64));
    raw.release_date = raw.release_date.take().or(day(m.lifecycle.release));
    raw.deprecation_date = raw.deprecation_date.take().or(day(m.lifecycle.deprecation));
    raw.shutdown_date = raw.shutdown_date.take().or(day(m.lifecycle.shutdown));
    raw.replacement = raw.replacement.take().or(m.lifecycle.replacement.clone());
    raw.kind = raw.kind.take().or(Some(m.kind.as_str().to_string()));
    if m.id == raw.id {
        raw.name = raw.name.take().or(Some(m.name.clone()));
        let names = m
            .aliases
            .iter()
            .chain(&m.snapshots)
            .cloned()
            .collect::<Vec<_>>();
        d.add_names(names);
    }
    if !filled.is_empty() {
        d.note(format!(
            "{} from the catalogue's own {}",
            filled.join(" and "),
            m.id
        ));
    }
    if !m.price_history.is_empty() {
        d.note(format!(
            "the catalogue's earlier price lists of {} were replaced too",
            m.id
        ));
    }
}

/// The catalogue's conventions where the map leaves a figure open or
/// contradicts itself: an embedding produces no output, so its output price
/// is 0 and its max output 1; a missing max output is the window (an upper
/// bound, said in `uncertain`); a max output past a shared window is cut to
/// the window, which is what can be used.
fn settle_limits(d: &mut Draft) {
    let raw = &mut d.raw;
    let shared = raw.context_window_covers.as_deref() != Some("input");
    let embedding = raw.kind.as_deref() == Some(Kind::Embedding.as_str());
    if let Some(prices) = raw
        .prices
        .as_mut()
        .filter(|p| embedding && p.output.is_none())
    {
        prices.output = Some(0.0);
    }
    match (raw.context_window, raw.max_output_tokens) {
        // The figure some maps give an embedding is its vector's size.
        _ if embedding => raw.max_output_tokens = Some(1.0),
        (Some(w), None) => {
            raw.max_output_tokens = Some(w);
            d.note("the map gives no max output: the window is used, an upper bound");
        }
        (Some(w), Some(out)) if shared && w.is_finite() && out > w && w >= 1.0 => {
            raw.max_output_tokens = Some(w);
            d.note(format!(
                "the map's max output ({out}) is larger than its window ({w}): cut to the window"
            ));
        }
        _ => {}
    }
}

/// Where the figures come from and what the import decided.
fn uncertain(d: &Draft) -> String {
    let mut text = format!(
        "Imported from {} (entry {}), not checked against the provider",
        d.format.title(),
        crate::encodings::truncate_for_message(&d.key)
    );
    for (i, n) in d.notes.iter().enumerate() {
        // Overrides read once per tier can repeat a note.
        if d.notes.get(..i).is_some_and(|before| before.contains(n)) {
            continue;
        }
        text.push_str("; ");
        text.push_str(n);
    }
    text.push('.');
    text
}
