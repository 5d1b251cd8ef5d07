//! The passes. Each reads the segmented text and proposes edits, grouped by
//! the paragraph (or gap) they change; the pipeline keeps a group only if it
//! lowers that paragraph's token count. No pass edits a protected span, a
//! code block or a structured block: every edit is checked against the
//! segmentation.
//!
//! One module per family: `lossless` (spaces, quotes, whitespace,
//! indentation, duplicates), `phrase` (the phrase tables: fillers, rewrites,
//! low-information words), `markdown` (rules, heading marks, emphasis) and
//! `lists` (short bullet lists joined on one line).

mod lists;
mod lossless;
mod markdown;
mod phrase;

use super::phrases::{self, Which};
use super::segment::{Block, Doc, Kind};
use super::Level;
use lists::lists;
use lossless::{duplicates, indentation, quotes, unicode_spaces, whitespace};
use markdown::markdown;
use phrase::phrase_pass;

/// Replace `start..end` with `with`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Edit {
    pub start: usize,
    pub end: usize,
    pub with: String,
}

/// Edits that stand or fall together, inside `start..end`.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub start: usize,
    pub end: usize,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pass {
    UnicodeSpaces,
    Quotes,
    Whitespace,
    Indentation,
    Duplicates,
    Fillers,
    Phrases(Level),
    Markdown,
    Lists,
    LowInformation,
}

impl Pass {
    pub fn name(self) -> &'static str {
        match self {
            Pass::UnicodeSpaces => "unicode_spaces",
            Pass::Quotes => "quotes",
            Pass::Whitespace => "whitespace",
            Pass::Indentation => "indentation",
            Pass::Duplicates => "duplicates",
            Pass::Fillers => "fillers",
            Pass::Phrases(_) => "phrases",
            Pass::Markdown => "markdown",
            Pass::Lists => "lists",
            Pass::LowInformation => "low_information_words",
        }
    }

    pub fn run(self, text: &str, doc: &Doc) -> Vec<Group> {
        match self {
            Pass::UnicodeSpaces => per_run(text, doc, false, unicode_spaces),
            Pass::Quotes => per_run(text, doc, false, quotes),
            Pass::Whitespace => whitespace(text, doc),
            Pass::Indentation => indentation(text, doc),
            Pass::Duplicates => duplicates(text, doc),
            Pass::Fillers => phrase_pass(text, doc, phrases::matcher(Which::Fillers)),
            Pass::Phrases(level) => {
                phrase_pass(text, doc, phrases::matcher(Which::Rewrites(level)))
            }
            Pass::Markdown => markdown(text, doc),
            Pass::Lists => lists(text, doc),
            Pass::LowInformation => phrase_pass(text, doc, phrases::matcher(Which::LowInformation)),
        }
    }
}

fn slice(text: &str, start: usize, end: usize) -> &str {
    text.get(start..end).unwrap_or("")
}

fn prose(doc: &Doc, english_only: bool) -> impl Iterator<Item = &Block> {
    doc.blocks
        .iter()
        .filter(move |b| b.kind == Kind::Prose && (b.english || !english_only))
}

fn block_group(block: &Block, edits: Vec<Edit>) -> Option<Group> {
    if edits.is_empty() {
        return None;
    }
    Some(Group {
        start: block.start,
        end: block.end,
        edits,
    })
}

/// Runs `f` over every editable run of every (English, if asked) paragraph.
fn per_run(
    text: &str,
    doc: &Doc,
    english_only: bool,
    f: fn(&str, usize, &mut Vec<Edit>),
) -> Vec<Group> {
    prose(doc, english_only)
        .filter_map(|b| {
            let mut edits = Vec::new();
            for (s, e) in b.runs() {
                f(slice(text, s, e), s, &mut edits);
            }
            block_group(b, edits)
        })
        .collect()
}
