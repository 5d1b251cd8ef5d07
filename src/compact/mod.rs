//! Context compaction: the data an LLM app puts in a prompt (tool results,
//! API responses, scraped pages, logs, tables) written in fewer tokens.
//!
//! Prompt compression ([`crate::compress`]) edits prose and protects data;
//! this module is for the data. Each kind has deterministic transforms:
//! JSON minified over its source text and, where it has arrays of records,
//! TOON's tabular form; HTML as Markdown (with the `html` feature); logs as
//! the terminal left them; padded tables without their padding.
//!
//! Guarantees, as for compression:
//! * Every transform (a pass) is kept only if it lowers the token count in
//!   the model's encoding, so the output never has more tokens than the
//!   input.
//! * The output is compacted again, with the kind detected afresh, until
//!   nothing changes (at most [`MAX_ROUNDS`] rounds; a text that does not
//!   settle is returned as it came). So compacting the output again with
//!   [`Kind::Auto`] gives the same text.
//! * [`Level::Lossless`] keeps the data: JSON decodes to the same value,
//!   numbers as written; every visible text of a page is in its Markdown;
//!   [`expand_folds`] gives back the cleaned log lines.
//!
//! Every pass is linear in the text, and detection reads only the first
//! 64 KB.

mod detect;
#[cfg(feature = "html")]
mod html;
mod json;
mod log;
mod shape;
mod table;
mod toon;

use std::fmt;

use crate::catalogue::Catalogue;
use crate::error::{Error, Result};
use crate::tokens::Tokenizer;

pub use log::expand_folds;
pub use shape::is_long_id;

/// What the input is. [`Kind::Auto`] detects it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Kind {
    #[default]
    Auto,
    Json,
    Html,
    Log,
    Table,
    Text,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Auto,
        Kind::Json,
        Kind::Html,
        Kind::Log,
        Kind::Table,
        Kind::Text,
    ];

    /// One of the names of [`Kind::as_str`]; anything else is an
    /// `INVALID_ARGUMENT` error about `field`.
    pub fn parse_field(s: &str, field: &str) -> Result<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(
                    field,
                    format!(
                        "must be \"auto\", \"json\", \"html\", \"log\", \"table\" or \"text\", got {:?}",
                        crate::encodings::truncate_for_message(s)
                    ),
                )
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Auto => "auto",
            Kind::Json => "json",
            Kind::Html => "html",
            Kind::Log => "log",
            Kind::Table => "table",
            Kind::Text => "text",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much may change. Each level does what the one before does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// The data stays: only its notation changes.
    #[default]
    Lossless,
    /// Also drops what says nothing: fields empty in every record of an
    /// array, and a page's navigation, header, footer and asides.
    Structural,
    /// Also keeps only [`CompactOptions::keep`]'s fields and replaces long
    /// ids with aliases (returned in [`Compacted::aliases`]).
    Lossy,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Lossless, Level::Structural, Level::Lossy];

    pub fn parse_field(s: &str, field: &str) -> Result<Level> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(
                    field,
                    format!(
                        "must be \"lossless\", \"structural\" or \"lossy\", got {:?}",
                        crate::encodings::truncate_for_message(s)
                    ),
                )
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Lossless => "lossless",
            Level::Structural => "structural",
            Level::Lossy => "lossy",
        }
    }
}

/// Options of [`compact_context`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompactOptions {
    /// The model whose encoding counts the tokens (default: o200k_base).
    pub model: Option<String>,
    /// Or the encoding itself.
    pub encoding: Option<String>,
    pub kind: Kind,
    pub level: Level,
    /// At [`Level::Lossy`], the JSON fields to keep, as dot-separated paths
    /// from the top (arrays are passed through). Empty keeps every field.
    pub keep: Vec<String>,
}

/// What one pass saved, in tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassSaving {
    pub name: &'static str,
    pub saved_tokens: usize,
}

/// The result of [`compact_context`].
#[derive(Clone, Debug, PartialEq)]
pub struct Compacted {
    pub text: String,
    /// The kind the input was read as (detected, for [`Kind::Auto`]).
    pub kind: Kind,
    pub tokens_before: usize,
    pub tokens_after: usize,
    pub saved_tokens: usize,
    /// `saved_tokens / tokens_before` in percent, to two decimals.
    pub saved_percent: f64,
    /// The passes that saved tokens, in the order they ran.
    pub passes: Vec<PassSaving>,
    /// At [`Level::Lossy`]: each alias in the text and the id it stands for.
    pub aliases: Vec<(String, String)>,
}

/// Rounds of compaction before a text that still changes is given up on.
/// Real inputs settle in two.
pub const MAX_ROUNDS: usize = 8;

/// Compacts one text. Errors: `INVALID_ARGUMENT` about `input` when
/// [`Kind::Json`] is asked and the text is not JSON (with the line and
/// column), about `kind` when [`Kind::Html`] is asked of a build without the
/// `html` feature, and the tokenizer's errors for `model` and `encoding`.
pub fn compact_context(
    catalogue: &Catalogue,
    input: &str,
    opts: &CompactOptions,
) -> Result<Compacted> {
    let tokenizer = catalogue.resolve_tokenizer(opts.model.as_deref(), opts.encoding.as_deref())?;
    Compactor::new(&tokenizer, opts).compact(input)
}

/// [`compact_context`] of JSON data given as a value: it is serialised
/// (minified, in `serde_json`'s key order) and compacted as JSON, so
/// `tokens_before` counts that serialisation.
pub fn compact_value(
    catalogue: &Catalogue,
    value: &serde_json::Value,
    opts: &CompactOptions,
) -> Result<Compacted> {
    let text = serde_json::to_string(value)
        .map_err(|e| Error::invalid("input", format!("is not JSON-serialisable: {e}")))?;
    let opts = CompactOptions {
        kind: Kind::Json,
        ..opts.clone()
    };
    compact_context(catalogue, &text, &opts)
}

/// A tokenizer and options, reused across the texts of one call (the tool
/// results of a conversation).
pub(crate) struct Compactor<'t> {
    tokenizer: &'t Tokenizer,
    opts: CompactOptions,
}

/// The text being compacted, its count, and what each pass saved.
struct Progress<'t> {
    tokenizer: &'t Tokenizer,
    text: String,
    tokens: usize,
    passes: Vec<PassSaving>,
    aliases: Vec<(String, String)>,
}

impl Progress<'_> {
    /// Takes `candidate` if it has fewer tokens than the current text.
    fn offer(&mut self, name: &'static str, candidate: Option<String>) -> bool {
        let Some(candidate) = candidate else {
            return false;
        };
        if candidate == self.text {
            return false;
        }
        let n = self.tokenizer.count_unscaled(&candidate);
        if n >= self.tokens {
            return false;
        }
        let saved = self.tokenizer.scale(self.tokens) - self.tokenizer.scale(n);
        match self.passes.iter_mut().find(|p| p.name == name) {
            Some(p) => p.saved_tokens += saved,
            None => self.passes.push(PassSaving {
                name,
                saved_tokens: saved,
            }),
        }
        self.text = candidate;
        self.tokens = n;
        true
    }

    fn count(&self, text: &str) -> usize {
        self.tokenizer.count_unscaled(text)
    }
}

impl<'t> Compactor<'t> {
    pub(crate) fn new(tokenizer: &'t Tokenizer, opts: &CompactOptions) -> Compactor<'t> {
        Compactor {
            tokenizer,
            opts: opts.clone(),
        }
    }

    pub(crate) fn compact(&self, input: &str) -> Result<Compacted> {
        let before = self.tokenizer.count_unscaled(input);
        let mut p = Progress {
            tokenizer: self.tokenizer,
            text: input.to_string(),
            tokens: before,
            passes: Vec::new(),
            aliases: Vec::new(),
        };
        let kind = self.round(&mut p, self.opts.kind)?;
        // A JSON round's output is final: minified JSON minifies to itself
        // and TOON reads as text, whose passes leave it alone.
        let mut settled = kind == Kind::Json;
        for _ in 1..MAX_ROUNDS {
            if settled {
                break;
            }
            let last = p.text.clone();
            self.round(&mut p, Kind::Auto)?;
            settled = p.text == last;
        }
        if !settled {
            p.text = input.to_string();
            p.tokens = before;
            p.passes.clear();
            p.aliases.clear();
        }
        let (before, after) = (self.tokenizer.scale(before), self.tokenizer.scale(p.tokens));
        let saved = before.saturating_sub(after);
        Ok(Compacted {
            text: p.text,
            kind,
            tokens_before: before,
            tokens_after: after,
            saved_tokens: saved,
            saved_percent: crate::compress::percent(saved, before),
            passes: p.passes,
            aliases: p.aliases,
        })
    }

    /// One round of the passes of `kind` (detected for [`Kind::Auto`]);
    /// returns the kind it ran as.
    fn round(&self, p: &mut Progress<'_>, kind: Kind) -> Result<Kind> {
        let text = p.text.clone();
        match kind {
            Kind::Json => {
                let node = json::parse(&text)
                    .map_err(|e| Error::invalid("input", format!("is not valid JSON: {e}")))?;
                self.json_passes(p, node);
                Ok(Kind::Json)
            }
            Kind::Auto => {
                if detect::may_be_json(&text) {
                    if let Ok(node) = json::parse(&text) {
                        self.json_passes(p, node);
                        return Ok(Kind::Json);
                    }
                }
                let found = detect::detect(&text);
                if found == Kind::Html && !cfg!(feature = "html") {
                    self.text_passes(p, Kind::Text);
                    return Ok(Kind::Text);
                }
                self.round(p, found)
            }
            Kind::Html => self.html_passes(p),
            Kind::Log | Kind::Table | Kind::Text => {
                self.text_passes(p, kind);
                Ok(kind)
            }
        }
    }

    fn json_passes(&self, p: &mut Progress<'_>, mut node: json::Node<'_>) {
        p.offer("json-minify", Some(json::minify(&node)));
        if self.opts.level >= Level::Structural {
            let mut shaped = node.clone();
            if shape::drop_empty_columns(&mut shaped)
                && p.offer("drop-empty-fields", Some(json::minify(&shaped)))
            {
                node = shaped;
            }
        }
        if self.opts.level >= Level::Lossy {
            let paths: Vec<Vec<&str>> = self
                .opts
                .keep
                .iter()
                .map(|k| k.split('.').collect())
                .collect();
            let mut shaped = node.clone();
            if !paths.is_empty()
                && shape::project(&mut shaped, &paths)
                && p.offer("keep-fields", Some(json::minify(&shaped)))
            {
                node = shaped;
            }
            let mut shaped = node.clone();
            let aliases = shape::alias_ids(&mut shaped);
            if !aliases.is_empty() && p.offer("alias-ids", Some(json::minify(&shaped))) {
                node = shaped;
                p.aliases.extend(aliases);
            }
        }
        // TOON is kept only if it counts fewer tokens; past twice the
        // current text's bytes it cannot, and is not written on.
        let limit = p.text.len().saturating_mul(2);
        p.offer("toon", toon::encode(&node, limit));
    }

    fn text_passes(&self, p: &mut Progress<'_>, kind: Kind) {
        if kind == Kind::Log {
            p.offer("progress", log::collapse_progress(&p.text));
            p.offer("ansi", log::strip_ansi(&p.text));
        }
        p.offer("line-ends", log::trim_line_ends(&p.text));
        if kind == Kind::Log {
            p.offer("fold-repeats", log::fold_repeats(&p.text));
        }
        let tables = table::compact_tables(&p.text, &|t| p.count(t));
        p.offer("tables", tables);
    }

    #[cfg(feature = "html")]
    fn html_passes(&self, p: &mut Progress<'_>) -> Result<Kind> {
        let md = html::to_markdown(&p.text, self.opts.level >= Level::Structural);
        p.offer("html-markdown", Some(md));
        Ok(Kind::Html)
    }

    #[cfg(not(feature = "html"))]
    fn html_passes(&self, _: &mut Progress<'_>) -> Result<Kind> {
        Err(Error::feature_not_bundled(
            "kind",
            "\"html\" (the HTML parser)",
            "html",
        ))
    }
}
