//! The phrase tables (`data/phrases.json`, the only copy) and the matcher
//! that finds their entries on word boundaries.
//!
//! Matching is word-indexed: the text is split into words once, and each word
//! looks up the entries that start with it (longest first), so the cost is
//! linear in the text whatever the size of the tables.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::Level;

/// What an entry does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PhraseKind {
    /// Removed (with the comma or space that goes with it).
    Filler,
    /// Replaced by a shorter phrase.
    Rewrite,
}

/// One entry of the phrase tables.
#[derive(Clone, Debug, PartialEq)]
pub struct PhraseEntry {
    /// Lowercase words, single spaces (`"in order to"`).
    pub phrase: String,
    /// The replacement; empty for a filler.
    pub replacement: String,
    pub kind: PhraseKind,
    /// The lowest level that applies the entry.
    pub level: Level,
    /// Applies only at the start of a sentence (or line, or list item).
    pub start_only: bool,
    /// Does not apply right after one of these words.
    pub not_after: Vec<String>,
    /// When not empty: inside a sentence, applies only right after one of
    /// these words (an adverb such as "kindly" is filler after "please" or a
    /// pronoun, but says how after a verb: "explain kindly").
    pub only_after: Vec<String>,
    /// Does not apply right before one of these words.
    pub not_before: Vec<String>,
    /// Applies only when a word follows on the same line.
    pub before_word: bool,
    /// Applies only as a whole sentence ("Thank you.").
    pub whole_sentence: bool,
}

include!(concat!(env!("OUT_DIR"), "/phrases.rs"));

/// An entry as build.rs writes it (build/phrases.rs checks each one).
struct Stored {
    phrase: &'static str,
    replacement: &'static str,
    kind: PhraseKind,
    level: Level,
    start_only: bool,
    not_after: &'static [&'static str],
    only_after: &'static [&'static str],
    not_before: &'static [&'static str],
    before_word: bool,
    whole_sentence: bool,
}

impl Stored {
    fn entry(&self) -> PhraseEntry {
        let words = |list: &[&str]| list.iter().map(|w| w.to_string()).collect();
        PhraseEntry {
            phrase: self.phrase.to_string(),
            replacement: self.replacement.to_string(),
            kind: self.kind,
            level: self.level,
            start_only: self.start_only,
            not_after: words(self.not_after),
            only_after: words(self.only_after),
            not_before: words(self.not_before),
            before_word: self.before_word,
            whole_sentence: self.whole_sentence,
        }
    }
}

/// A letter, digit, or an apostrophe or hyphen inside a word.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'
}

struct Tables {
    entries: Vec<PhraseEntry>,
    fillers: Matcher,
    low_information: Matcher,
    rewrites_balanced: Matcher,
    rewrites_aggressive: Matcher,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let entries: Vec<PhraseEntry> = PHRASES.iter().map(Stored::entry).collect();
        let pick = |f: &dyn Fn(&PhraseEntry) -> bool| {
            Matcher::new(
                entries
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| f(e))
                    .map(|(i, _)| i),
                &entries,
            )
        };
        Tables {
            fillers: pick(&|e| e.kind == PhraseKind::Filler && e.level <= Level::Balanced),
            low_information: pick(&|e| {
                e.kind == PhraseKind::Filler && e.level == Level::Aggressive
            }),
            rewrites_balanced: pick(&|e| {
                e.kind == PhraseKind::Rewrite && e.level <= Level::Balanced
            }),
            rewrites_aggressive: pick(&|e| e.kind == PhraseKind::Rewrite),
            entries,
        }
    })
}

/// Every entry of the phrase tables, in file order.
pub fn phrase_table() -> &'static [PhraseEntry] {
    &tables().entries
}

pub(crate) enum Which {
    Fillers,
    LowInformation,
    Rewrites(Level),
}

pub(crate) fn matcher(which: Which) -> &'static Matcher {
    let t = tables();
    match which {
        Which::Fillers => &t.fillers,
        Which::LowInformation => &t.low_information,
        Which::Rewrites(Level::Aggressive) => &t.rewrites_aggressive,
        Which::Rewrites(_) => &t.rewrites_balanced,
    }
}

/// Entries indexed by their first word, longest phrase first.
pub(crate) struct Matcher {
    by_first: HashMap<String, Vec<(Vec<String>, usize)>>,
}

impl Matcher {
    fn new(indices: impl Iterator<Item = usize>, entries: &[PhraseEntry]) -> Matcher {
        let mut by_first: HashMap<String, Vec<(Vec<String>, usize)>> = HashMap::new();
        for i in indices {
            let Some(e) = entries.get(i) else { continue };
            let words: Vec<String> = e.phrase.split(' ').map(str::to_string).collect();
            if let Some(first) = words.first() {
                by_first.entry(first.clone()).or_default().push((words, i));
            }
        }
        for list in by_first.values_mut() {
            list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
        }
        Matcher { by_first }
    }

    pub fn is_empty(&self) -> bool {
        self.by_first.is_empty()
    }

    /// The candidates whose first word is `lower`, longest first.
    pub fn candidates(&self, lower: &str) -> &[(Vec<String>, usize)] {
        self.by_first.get(lower).map_or(&[], Vec::as_slice)
    }

    pub fn entry(&self, index: usize) -> Option<&'static PhraseEntry> {
        tables().entries.get(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_of_the_file_is_compiled_in() {
        // As many as docs/compression.md says (tests/compress_phrases.rs checks its figure).
        assert_eq!(phrase_table().len(), 318);
        let mut seen = std::collections::HashSet::new();
        for e in phrase_table() {
            assert!(seen.insert(&e.phrase), "duplicate entry {:?}", e.phrase);
        }
    }
}
