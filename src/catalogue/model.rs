//! A model as the catalogue knows it: limits, tokenizer, lifecycle and price
//! lists.

use crate::catalogue::price::{Applied, PriceList};
use crate::encodings::Encoding;
use crate::error::{Error, Result};
use crate::time::{Day, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Chat,
    Reasoning,
    Embedding,
}

impl Kind {
    pub fn parse(s: &str, field: &str) -> Result<Kind> {
        match s {
            "chat" => Ok(Kind::Chat),
            "reasoning" => Ok(Kind::Reasoning),
            "embedding" => Ok(Kind::Embedding),
            _ => Err(Error::invalid(
                field,
                format!("{s:?} is not a kind (chat, reasoning or embedding)"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Chat => "chat",
            Kind::Reasoning => "reasoning",
            Kind::Embedding => "embedding",
        }
    }
}

/// What the context window limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WindowScope {
    /// Input and output share the window.
    InputAndOutput,
    /// The window limits the input; output is limited by its own maximum.
    Input,
}

impl WindowScope {
    pub fn as_str(self) -> &'static str {
        match self {
            WindowScope::InputAndOutput => "input+output",
            WindowScope::Input => "input",
        }
    }
}

/// Where a model is in its life at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Active,
    /// Announced for shutdown, still served.
    Deprecated,
    /// No longer served. Kept so that past usage can be priced.
    Retired,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Deprecated => "deprecated",
            Status::Retired => "retired",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lifecycle {
    pub release: Option<Day>,
    pub deprecation: Option<Day>,
    pub shutdown: Option<Day>,
    /// The model the provider recommends instead.
    pub replacement: Option<String>,
}

impl Lifecycle {
    pub fn status(&self, at: Instant) -> Status {
        let day = at.day();
        if self.shutdown.is_some_and(|d| d <= day) {
            Status::Retired
        } else if self.deprecation.is_some_and(|d| d <= day) {
            Status::Deprecated
        } else {
            Status::Active
        }
    }
}

/// How a model's tokens are counted, as the catalogue states it.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenizerSpec {
    Exact(Encoding),
    Estimate {
        encoding: Encoding,
        factor_per_mille: u32,
        method: String,
        /// The catalogue's named estimate profile, if the model uses one.
        profile: Option<String>,
        /// The model's own encoding, which counts it exactly in a build that
        /// carries it (the family entry points: `tokenmeter/llama3` ...).
        /// The estimate stands in for it elsewhere, so the default entry
        /// keeps counting these models without their vocabularies.
        exact: Option<Encoding>,
    },
}

impl TokenizerSpec {
    /// The exact encoding this build counts the model with, if any.
    pub fn bundled_exact(&self) -> Option<Encoding> {
        match self {
            TokenizerSpec::Exact(e) => Some(*e),
            TokenizerSpec::Estimate { exact, .. } => exact.filter(|e| e.is_bundled()),
        }
    }
}

/// Neurons (Workers AI's billing unit) per 1M tokens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Units {
    pub input: f64,
    pub output: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub kind: Kind,
    pub aliases: Vec<String>,
    pub snapshots: Vec<String>,
    pub tokenizer: TokenizerSpec,
    pub context_window: u64,
    pub window_scope: WindowScope,
    /// A cap on input below the window (GPT-5: 272,000 inside 400,000).
    pub max_input_tokens: Option<u64>,
    pub max_output_tokens: u64,
    /// The shortest prefix the provider caches.
    pub min_cacheable_tokens: Option<u64>,
    pub lifecycle: Lifecycle,
    /// The list in force now.
    pub prices: PriceList,
    /// Earlier lists, oldest first.
    pub price_history: Vec<PriceList>,
    pub units: Option<Units>,
    pub uncertain: Option<String>,
}

/// The price list used for an instant, and what a user should know about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Priced<'a> {
    pub list: &'a PriceList,
    pub warnings: Vec<String>,
}

impl Model {
    pub fn status(&self, at: Instant) -> Status {
        self.lifecycle.status(at)
    }

    /// Most input tokens one request may carry: the window (less the
    /// output it must leave room for, when shared) and the input cap.
    pub fn input_limit(&self, reserved_output: u64) -> u64 {
        let window = match self.window_scope {
            WindowScope::InputAndOutput => self.context_window.saturating_sub(reserved_output),
            WindowScope::Input => self.context_window,
        };
        self.max_input_tokens.map_or(window, |cap| cap.min(window))
    }

    /// The price list in force at `at`, with warnings for a retired or
    /// deprecated model and for an instant before the first known list.
    pub fn price_list(&self, at: Instant) -> Priced<'_> {
        let day = at.day();
        let mut warnings = Vec::new();
        let list = std::iter::once(&self.prices)
            .chain(self.price_history.iter().rev())
            .find(|l| l.covers(day))
            .unwrap_or_else(|| {
                let oldest = self.price_history.first().unwrap_or(&self.prices);
                warnings.push(format!(
                    "{}: no price known for {day}; priced at the earliest list{}",
                    self.id,
                    oldest
                        .from
                        .map_or(String::new(), |f| format!(" (from {f})"))
                ));
                oldest
            });
        match self.status(at) {
            Status::Retired => warnings.push(format!(
                "{} was retired on {}{}: priced at its last list price",
                self.id,
                self.lifecycle
                    .shutdown
                    .map_or(String::from("?"), |d| d.to_string()),
                self.replacement_hint()
            )),
            Status::Deprecated => warnings.push(format!(
                "{} is deprecated{}{}",
                self.id,
                self.lifecycle
                    .shutdown
                    .map_or(String::new(), |d| format!(" and shuts down on {d}")),
                self.replacement_hint()
            )),
            Status::Active => {}
        }
        Priced { list, warnings }
    }

    fn replacement_hint(&self) -> String {
        self.lifecycle
            .replacement
            .as_ref()
            .map_or(String::new(), |r| format!("; the provider recommends {r}"))
    }

    /// The prices of one request (see [`PriceList::apply`]) at `at`.
    pub fn prices_at(
        &self,
        input_tokens: u64,
        at: Instant,
        service_tier: Option<&str>,
    ) -> Result<(Applied, Vec<String>)> {
        let priced = self.price_list(at);
        let applied = priced.list.apply(input_tokens, at, service_tier)?;
        Ok((applied, priced.warnings))
    }
}

/// A provider block of the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct Provider {
    pub id: String,
    pub name: String,
    /// The date the block's figures were checked.
    pub as_of: Day,
    /// The provider's own pricing page.
    pub source: String,
    pub billing: Option<Billing>,
}

/// A provider that bills in its own unit (Workers AI's neurons), with a
/// daily free allowance.
#[derive(Clone, Debug, PartialEq)]
pub struct Billing {
    pub unit: String,
    /// Micro-USD per 1M units.
    pub price_per_million_units: crate::catalogue::Price,
    pub free_units_per_day: u64,
    pub source: String,
}

/// A named way to estimate counts for models whose tokenizer is not bundled
/// (unpublished, like Claude's, or published but not carried, like Llama's).
#[derive(Clone, Debug, PartialEq)]
pub struct EstimateProfile {
    pub name: String,
    pub proxy: Encoding,
    pub factor_per_mille: u32,
    pub method: String,
    pub source: String,
}
