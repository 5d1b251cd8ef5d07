//! The model catalogue: context windows, output limits, tokenizers, lifecycles
//! and dated price lists, as a value.
//!
//! [`Catalogue::bundled`] is `data/models.json` (the only copy of the data),
//! parsed once. A caller that wants other prices makes its own catalogue
//! (`bundled().clone()`, then [`Catalogue::register`] or an import) and
//! passes it where models are resolved: nothing here is shared or mutable,
//! so two tenants in one process never see each other's prices.

#[cfg(feature = "import")]
pub mod import;
mod model;
mod price;
mod resolve;
pub mod schema;

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

pub use model::{
    Billing, EstimateProfile, Kind, Lifecycle, Model, Priced, Provider, Status, TokenizerSpec,
    Units, WindowScope,
};
pub use price::{Applied, Lifetime, Price, PriceList, Prices, ServiceTier, Tier, TimeWindow};
pub use schema::{token_count, whole_count, RawModel};

use crate::error::{did_you_mean, near_matches, Error, ErrorCode, Result};
use crate::time::Instant;

/// A validated catalogue: every id, alias and snapshot names one model.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    providers: Vec<Provider>,
    models: Vec<Model>,
    index: HashMap<String, usize>,
    estimates: BTreeMap<String, EstimateProfile>,
}

/// How many models of a provider are in each status at an instant.
#[derive(Clone, Debug, PartialEq)]
pub struct Freshness {
    pub provider: Provider,
    /// Days from `as_of` to the instant asked about.
    pub age_days: i64,
    pub active: usize,
    pub deprecated: usize,
    pub retired: usize,
}

impl Catalogue {
    /// The catalogue shipped in this build, parsed on first use: the figures
    /// of `data/models.json` without the `uncertain` notes, which stay in
    /// the file (build.rs).
    pub fn bundled() -> &'static Catalogue {
        static BUNDLED: OnceLock<Catalogue> = OnceLock::new();
        // `cargo test` validates the bundled file; were it broken, an empty
        // catalogue (every lookup UNKNOWN_MODEL) beats a panic in wasm.
        BUNDLED.get_or_init(|| {
            Catalogue::from_json(include_str!(concat!(env!("OUT_DIR"), "/models.min.json")))
                .unwrap_or_default()
        })
    }

    /// Parses and validates a catalogue file (schema v2).
    pub fn from_json(json: &str) -> Result<Catalogue> {
        // Through a Value: the binding reads specs from Values, and one
        // deserializer of the schema types is code enough (10 KB of wasm).
        let raw: schema::RawCatalogue = serde_json::from_str(json)
            .and_then(serde_json::from_value)
            .map_err(|e| Error::new(ErrorCode::InvalidCatalogue, format!("catalogue JSON: {e}")))?;
        if raw.schema_version != 2 {
            return Err(Error::field(
                ErrorCode::InvalidCatalogue,
                "schemaVersion",
                format!("is {}; this build reads schema 2", raw.schema_version),
            ));
        }
        let mut catalogue = Catalogue::default();
        for (name, e) in raw.estimates {
            let profile = e
                .validate(&name, &format!("estimates.{name}"))
                .map_err(as_catalogue_error)?;
            catalogue.estimates.insert(name, profile);
        }
        for (p, provider) in raw.providers.into_iter().enumerate() {
            let field = format!("providers[{p}]");
            catalogue
                .providers
                .push(provider.header(&field).map_err(as_catalogue_error)?);
            for (m, model) in provider.models.into_iter().enumerate() {
                let model = model
                    .validate(
                        &provider.id,
                        &format!("{field}.models[{m}]"),
                        &catalogue.estimates,
                    )
                    .map_err(as_catalogue_error)?;
                catalogue.insert(model).map_err(as_catalogue_error)?;
            }
        }
        catalogue.check_replacements()?;
        Ok(catalogue)
    }

    fn check_replacements(&self) -> Result<()> {
        for m in &self.models {
            if let Some(r) = &m.lifecycle.replacement {
                if self.get(r).is_none() {
                    return Err(Error::field(
                        ErrorCode::InvalidCatalogue,
                        "replacement",
                        format!("{}'s replacement {r:?} is not in the catalogue", m.id),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Adds `model`, or replaces the model with the same id. Its aliases and
    /// snapshots must not name another model.
    fn insert(&mut self, model: Model) -> Result<()> {
        let existing = self
            .index
            .get(&model.id)
            .copied()
            .filter(|&i| self.models.get(i).is_some_and(|m| m.id == model.id));
        let names = || {
            std::iter::once(&model.id)
                .chain(&model.aliases)
                .chain(&model.snapshots)
        };
        for name in names() {
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
                    for name in old.aliases.iter().chain(&old.snapshots) {
                        self.index.remove(name);
                    }
                }
                i
            }
            None => self.models.len(),
        };
        for name in names() {
            self.index.insert(name.clone(), slot);
        }
        match self.models.get_mut(slot) {
            Some(m) => *m = model,
            None => self.models.push(model),
        }
        Ok(())
    }

    /// Adds or replaces models, all or nothing: if any spec is invalid,
    /// nothing changes and the error names the spec (`specs[i]`) and field.
    /// Returns the ids added or replaced.
    pub fn register(&mut self, specs: Vec<RawModel>) -> Result<Vec<String>> {
        let mut next = self.clone();
        let mut ids = Vec::with_capacity(specs.len());
        for (i, spec) in specs.into_iter().enumerate() {
            let provider = spec
                .provider
                .clone()
                .unwrap_or_else(|| "custom".to_string());
            let field = format!("specs[{i}]");
            let model = spec
                .validate(&provider, &field, &next.estimates)
                .and_then(|m| {
                    let id = m.id.clone();
                    next.insert(m).map(|()| id)
                })
                .map_err(|e| as_catalogue_error(e.under(&field)))?;
            ids.push(model);
        }
        next.check_replacements()?;
        *self = next;
        Ok(ids)
    }

    /// The model an id, alias or dated snapshot names.
    pub fn get(&self, id: &str) -> Option<&Model> {
        self.models.get(*self.index.get(id)?)
    }

    /// [`Catalogue::get`], or `UNKNOWN_MODEL` with the closest known ids.
    pub fn model(&self, id: &str) -> Result<&Model> {
        self.get(id).ok_or_else(|| self.unknown_model(id))
    }

    /// The `UNKNOWN_MODEL` error for `id`, with near matches among the
    /// catalogue's names and tiktoken's model map.
    pub fn unknown_model(&self, id: &str) -> Error {
        let known = self
            .index
            .keys()
            .map(String::as_str)
            .chain(crate::encodings::openai_model_names().map(|n| -> &str { n }));
        let near = near_matches(id, known);
        Error::field(
            ErrorCode::UnknownModel,
            "model",
            format!(
                "unknown model {:?}{}",
                crate::encodings::truncate_for_message(id),
                did_you_mean(&near)
            ),
        )
    }

    /// Every model, in catalogue order.
    pub fn models(&self) -> &[Model] {
        &self.models
    }

    pub fn providers(&self) -> &[Provider] {
        &self.providers
    }

    pub fn estimates(&self) -> impl Iterator<Item = &EstimateProfile> {
        self.estimates.values()
    }

    /// The chat and reasoning models in service at `at`: what comparisons
    /// and suggestions choose from by default.
    pub fn current_chat_models(&self, at: Instant) -> impl Iterator<Item = &Model> {
        self.models
            .iter()
            .filter(move |m| m.kind != Kind::Embedding && m.status(at) != Status::Retired)
    }

    /// Per provider: how old its figures are at `at`, and its models by
    /// status. Providers that only registered models use (`custom`) are
    /// left out: they have no date.
    pub fn freshness(&self, at: Instant) -> Vec<Freshness> {
        self.providers
            .iter()
            .map(|p| {
                let mut f = Freshness {
                    provider: p.clone(),
                    age_days: p.as_of.days_until(at.day()),
                    active: 0,
                    deprecated: 0,
                    retired: 0,
                };
                for m in self.models.iter().filter(|m| m.provider == p.id) {
                    match m.status(at) {
                        Status::Active => f.active += 1,
                        Status::Deprecated => f.deprecated += 1,
                        Status::Retired => f.retired += 1,
                    }
                }
                f
            })
            .collect()
    }
}

fn as_catalogue_error(e: Error) -> Error {
    e.with_code(ErrorCode::InvalidCatalogue)
}
