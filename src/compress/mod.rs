//! Prompt compression, measured in tokens, that never touches what must stay
//! exact.
//!
//! [`compress_prompt`] runs a pipeline of passes over the editable parts of a
//! prompt (see the levels in [`Level`]) and keeps each pass only where it
//! lowers the token count for the model's encoding:
//!
//! * The text is first segmented into protected and editable spans. Fenced
//!   and inline code, URLs, e-mail addresses, numbers with their units,
//!   quoted strings (`"..."`, `'...'`, `“...”`), JSON, XML and YAML blocks,
//!   Markdown tables, template placeholders (`{name}`, `{{var}}`, `${x}`,
//!   `<var>`, `[ITEM]`) and code-like words (identifiers, paths) are
//!   protected byte for byte at every level. Paragraphs that are not English
//!   (the language of the phrase tables) only get the whitespace passes.
//! * Each pass proposes edits paragraph by paragraph; a paragraph's edits
//!   are kept only if they lower its token count, and a pass only if it
//!   lowers the whole text's count. So the output is never longer in tokens
//!   than the input.
//! * The pipeline runs until a round changes nothing, so compressing the
//!   output again gives the same text (idempotence).
//!
//! Every step is linear in the text: phrase matching is word-indexed, and
//! edits are applied in one rebuild per pass.

mod messages;
mod passes;
mod phrases;
mod segment;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::error::{Error, Result};
use crate::tokens::Tokenizer;
use passes::{Group, Pass};

pub use messages::{
    compress_messages, compress_messages_json, message_edits, EditedMessages, Step, TextEdit,
    ToolResults,
};
pub use phrases::{phrase_table, PhraseEntry, PhraseKind};

/// How hard to compress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Whitespace and exact duplicates only: the words are untouched.
    /// Runs of spaces, trailing spaces, blank lines, indentation of prose,
    /// duplicate lines and paragraphs, look-alike spaces (NBSP ...), and curly
    /// quotes when [`CompressOptions::normalize_quotes`] asks.
    Lossless,
    /// Lossless, plus filler removal ("please", "I would like you to" ...)
    /// and verbose-to-concise rewriting ("in order to" -> "to").
    #[default]
    Balanced,
    /// Balanced, plus Markdown decoration (emphasis, rules, heading hashes),
    /// list compaction, and dropping articles and other low-information
    /// words.
    Aggressive,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Lossless, Level::Balanced, Level::Aggressive];

    /// `"lossless"`, `"balanced"` or `"aggressive"`; anything else is an
    /// `INVALID_ARGUMENT` error about `level`.
    pub fn parse(s: &str) -> Result<Level> {
        Level::parse_field(s, "level")
    }

    /// [`Level::parse`], naming `field` in the error (`options.level` ...).
    pub fn parse_field(s: &str, field: &str) -> Result<Level> {
        match s {
            "lossless" => Ok(Level::Lossless),
            "balanced" => Ok(Level::Balanced),
            "aggressive" => Ok(Level::Aggressive),
            _ => Err(Error::invalid(
                field,
                format!(
                    "must be \"lossless\", \"balanced\" or \"aggressive\", got {:?}",
                    crate::encodings::truncate_for_message(s)
                ),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Lossless => "lossless",
            Level::Balanced => "balanced",
            Level::Aggressive => "aggressive",
        }
    }
}

impl FromStr for Level {
    type Err = Error;
    fn from_str(s: &str) -> Result<Level> {
        Level::parse(s)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Options of [`compress_prompt`] and [`compress_messages`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompressOptions {
    /// The model whose encoding counts the tokens (default: o200k_base).
    pub model: Option<String>,
    pub level: Level,
    /// Also turn curly apostrophes and stray curly quotes in prose into
    /// ASCII ones. A quoted string (“...”) stays protected, marks included.
    pub normalize_quotes: bool,
    /// What [`compress_messages`] does with tool results.
    pub tool_results: ToolResults,
}

/// What one pass saved, in tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PassReport {
    pub name: String,
    pub saved_tokens: usize,
}

/// The result of [`compress_prompt`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Compressed {
    pub text: String,
    pub tokens_before: usize,
    pub tokens_after: usize,
    pub saved_tokens: usize,
    /// `saved_tokens / tokens_before` in percent, to two decimals.
    pub saved_percent: f64,
    /// Every pass of the level, in pipeline order, with what it saved.
    pub passes: Vec<PassReport>,
}

/// The result of [`compress_messages`] (`M = Vec<Message>`) and
/// [`compress_messages_json`] (`M = serde_json::Value`). The token counts
/// are of the messages' text content only; the per-message overhead does
/// not change.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompressedMessages<M> {
    pub messages: M,
    pub tokens_before: usize,
    pub tokens_after: usize,
    pub saved_tokens: usize,
    pub saved_percent: f64,
    pub passes: Vec<PassReport>,
}

/// The protected parts of `text`, in order: code and structured blocks whole,
/// then the protected spans inside paragraphs. For the tests and the
/// corpus report; not a stable API.
#[doc(hidden)]
pub fn protected_spans(text: &str) -> Vec<String> {
    protected(text, &segment::segment(text))
        .into_iter()
        .map(str::to_string)
        .collect()
}

fn protected<'t>(text: &'t str, doc: &segment::Doc) -> Vec<&'t str> {
    let mut out = Vec::new();
    for block in &doc.blocks {
        if block.kind == segment::Kind::Prose {
            for &(s, e) in &block.spans {
                out.push(text.get(s..e).unwrap_or(""));
            }
        } else {
            out.push(text.get(block.start..block.end).unwrap_or(""));
        }
    }
    out
}

/// A round that changes nothing ends the pipeline. Real prompts settle in
/// two to four rounds; a text that has not settled after this many is
/// returned unchanged, so that compression stays idempotent.
const MAX_ROUNDS: usize = 32;

fn pipeline(level: Level, normalize_quotes: bool) -> Vec<Pass> {
    let mut passes = vec![Pass::UnicodeSpaces];
    if normalize_quotes {
        passes.push(Pass::Quotes);
    }
    passes.extend([Pass::Whitespace, Pass::Indentation, Pass::Duplicates]);
    if level >= Level::Balanced {
        passes.extend([Pass::Fillers, Pass::Phrases(level)]);
    }
    if level >= Level::Aggressive {
        passes.extend([Pass::Markdown, Pass::Lists, Pass::LowInformation]);
    }
    passes
}

/// Compresses one prompt. `UNKNOWN_MODEL` for a model the catalogue does not
/// know; nothing else fails.
pub fn compress_prompt(
    catalogue: &Catalogue,
    text: &str,
    opts: &CompressOptions,
) -> Result<Compressed> {
    let tokenizer = catalogue.resolve_tokenizer(opts.model.as_deref(), None)?;
    Ok(Compressor::new(tokenizer, opts).compress(text))
}

pub(crate) fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 10_000.0 / whole as f64).round() / 100.0
    }
}

struct Compressor {
    tokenizer: Tokenizer,
    passes: Vec<Pass>,
}

impl Compressor {
    fn new(tokenizer: Tokenizer, opts: &CompressOptions) -> Compressor {
        Compressor {
            tokenizer,
            passes: pipeline(opts.level, opts.normalize_quotes),
        }
    }

    fn count(&self, text: &str) -> usize {
        self.tokenizer.count_unscaled(text)
    }

    fn compress(&self, text: &str) -> Compressed {
        let before = self.count(text);
        let mut current = text.to_string();
        let mut tokens = before;
        let mut saved = vec![0usize; self.passes.len()];
        let mut settled = false;
        // The segmentation of `current`, kept until a pass changes the text.
        let mut doc: Option<segment::Doc> = None;
        for _ in 0..MAX_ROUNDS {
            let mut changed = false;
            for (k, pass) in self.passes.iter().enumerate() {
                let d = doc.get_or_insert_with(|| segment::segment(&current));
                if let Some((next, next_tokens, next_doc)) =
                    self.run_pass(*pass, &current, d, tokens)
                {
                    doc = Some(next_doc);
                    if let Some(s) = saved.get_mut(k) {
                        *s += self.tokenizer.scale(tokens) - self.tokenizer.scale(next_tokens);
                    }
                    current = next;
                    tokens = next_tokens;
                    changed = true;
                }
            }
            if !changed {
                settled = true;
                break;
            }
        }
        if !settled {
            current = text.to_string();
            tokens = before;
            saved.iter_mut().for_each(|s| *s = 0);
        }
        let (before, after) = (self.tokenizer.scale(before), self.tokenizer.scale(tokens));
        Compressed {
            text: current,
            tokens_before: before,
            tokens_after: after,
            saved_tokens: before - after,
            saved_percent: percent(before - after, before),
            passes: self
                .passes
                .iter()
                .zip(saved)
                .map(|(p, s)| PassReport {
                    name: p.name().to_string(),
                    saved_tokens: s,
                })
                .collect(),
        }
    }

    /// One pass: the new text, its count and its segmentation, if it saves
    /// tokens and protects exactly what `text` protects.
    fn run_pass(
        &self,
        pass: Pass,
        text: &str,
        doc: &segment::Doc,
        tokens: usize,
    ) -> Option<(String, usize, segment::Doc)> {
        let mut groups = pass.run(text, doc);
        if groups.is_empty() {
            return None;
        }
        groups.sort_by_key(|g| (g.start, g.end));
        let mut kept: Vec<Group> = Vec::with_capacity(groups.len());
        let mut last_end = 0;
        for mut g in groups {
            if g.start < last_end {
                continue;
            }
            g.edits.sort_by_key(|e| (e.start, e.end));
            let mut edits_end = g.start;
            g.edits.retain(|e| {
                let ok = e.start >= edits_end && e.end <= g.end && e.start <= e.end;
                if ok {
                    edits_end = e.end;
                }
                ok
            });
            let old = text.get(g.start..g.end).unwrap_or("");
            let new = apply(text, g.start, g.end, &g.edits);
            if new != old && self.count(&new) < self.count(old) {
                last_end = g.end;
                kept.push(g);
            }
        }
        if kept.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for g in &kept {
            out.push_str(text.get(at..g.start).unwrap_or(""));
            out.push_str(&apply(text, g.start, g.end, &g.edits));
            at = g.end;
        }
        out.push_str(text.get(at..).unwrap_or(""));
        let next_tokens = self.count(&out);
        if next_tokens >= tokens {
            return None;
        }
        // Edits stay outside protected spans, but one next to a span can
        // still change what the next round protects: removing the `*` in
        // "`a*b`*`" joins two backticks, and the code span is no longer
        // code. A pass is refused whole unless every span of `text` is
        // still protected, in order (a replacement such as "i.e." may add
        // spans).
        let next_doc = segment::segment(&out);
        let mut still = protected(&out, &next_doc).into_iter();
        let kept_all = protected(text, doc)
            .into_iter()
            .all(|span| still.any(|s| s == span));
        kept_all.then_some((out, next_tokens, next_doc))
    }
}

/// `text[start..end]` with `edits` (sorted, inside the range) applied.
fn apply(text: &str, start: usize, end: usize, edits: &[passes::Edit]) -> String {
    let mut out = String::with_capacity(end.saturating_sub(start));
    let mut at = start;
    for e in edits {
        out.push_str(text.get(at..e.start).unwrap_or(""));
        out.push_str(&e.with);
        at = e.end;
    }
    out.push_str(text.get(at..end).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, level: Level) -> String {
        compress_prompt(
            Catalogue::bundled(),
            text,
            &CompressOptions {
                level,
                ..Default::default()
            },
        )
        .unwrap()
        .text
    }

    /// Found by the `compress` fuzz target: emphasis removal next to inline
    /// code joined its closing backtick with the next one, and the code's
    /// own `*` went in the next round.
    #[test]
    fn an_edit_never_unprotects_code() {
        let text = "`*+@\t!*\u{FFFD}`*`*+@\t!*";
        for level in Level::ALL {
            let out = run(text, level);
            assert!(out.contains("`*+@\t!*\u{FFFD}`"), "{level:?}: {out:?}");
            assert_eq!(run(&out, level), out);
        }
    }

    #[test]
    fn examples() {
        assert_eq!(
            run("I want you to act as a   linux terminal.  \n \n\t\n \nPlease reply in order to help.", Level::Balanced),
            "Act as a linux terminal.\n\nReply to help."
        );
        assert_eq!(
            run("Please, answer the question, please.", Level::Balanced),
            "Answer the question."
        );
        assert_eq!(
            run(
                "## Rules\n\n**Always** answer.\n\n---\n\nThe end.",
                Level::Aggressive
            ),
            "Rules\n\nAlways answer.\n\nThe end."
        );
    }
}
