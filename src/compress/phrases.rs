//! The phrase tables (`data/phrases.json`, the only copy) and the matcher
//! that finds their entries on word boundaries.
//!
//! Matching is word-indexed: the text is split into words once, and each word
//! looks up the entries that start with it (longest first), so the cost is
//! linear in the text whatever the size of the tables.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawEntry {
    phrase: String,
    #[serde(default)]
    replacement: Option<String>,
    level: String,
    #[serde(default)]
    start_only: bool,
    #[serde(default)]
    not_after: Vec<String>,
    #[serde(default)]
    only_after: Vec<String>,
    #[serde(default)]
    not_before: Vec<String>,
    #[serde(default)]
    before_word: bool,
    #[serde(default)]
    whole_sentence: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    about: String,
    #[allow(dead_code)]
    source: String,
    #[allow(dead_code)]
    date: String,
    fillers: Vec<RawEntry>,
    rewrites: Vec<RawEntry>,
}

/// Parses the phrase file, checking every entry.
pub(crate) fn parse_file(json: &str) -> Result<Vec<PhraseEntry>, String> {
    let raw: RawFile = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (kind, list) in [
        (PhraseKind::Filler, raw.fillers),
        (PhraseKind::Rewrite, raw.rewrites),
    ] {
        for e in list {
            let level = Level::parse(&e.level).map_err(|err| format!("{}: {err}", e.phrase))?;
            let words: Vec<&str> = e.phrase.split(' ').collect();
            if e.phrase.is_empty()
                || words
                    .iter()
                    .any(|w| w.is_empty() || !w.chars().all(is_word_char))
                || e.phrase != e.phrase.to_lowercase()
            {
                return Err(format!(
                    "{:?}: a phrase is lowercase words separated by single spaces",
                    e.phrase
                ));
            }
            let replacement = e.replacement.unwrap_or_default();
            if e.whole_sentence && kind != PhraseKind::Filler {
                return Err(format!(
                    "{:?}: only a filler can be a whole sentence",
                    e.phrase
                ));
            }
            match kind {
                PhraseKind::Filler if !replacement.is_empty() => {
                    return Err(format!("{:?}: a filler has no replacement", e.phrase))
                }
                PhraseKind::Rewrite if replacement.is_empty() => {
                    return Err(format!("{:?}: a rewrite needs a replacement", e.phrase))
                }
                _ => {}
            }
            out.push(PhraseEntry {
                phrase: e.phrase,
                replacement,
                kind,
                level,
                start_only: e.start_only,
                not_after: e.not_after,
                only_after: e.only_after,
                not_before: e.not_before,
                before_word: e.before_word,
                whole_sentence: e.whole_sentence,
            });
        }
    }
    Ok(out)
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
        // The file is checked by a unit test; a broken edit there gives empty
        // tables here rather than a panic.
        let entries = parse_file(include_str!("../../data/phrases.json")).unwrap_or_default();
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
    fn the_phrase_file_parses() {
        let entries = parse_file(include_str!("../../data/phrases.json")).unwrap();
        // As many as docs/compression.md says (tests/compress_phrases.rs checks its figure).
        assert_eq!(entries.len(), 318, "{} entries", entries.len());
        let mut seen = std::collections::HashSet::new();
        for e in &entries {
            assert!(seen.insert(&e.phrase), "duplicate entry {:?}", e.phrase);
        }
    }

    #[test]
    fn bad_entries_are_rejected() {
        let file = |fillers: &str, rewrites: &str| {
            format!(
                r#"{{"about":"","source":"","date":"","fillers":[{fillers}],"rewrites":[{rewrites}]}}"#
            )
        };
        assert!(parse_file(&file(r#"{"phrase":"Please","level":"balanced"}"#, "")).is_err());
        assert!(parse_file(&file(r#"{"phrase":"please","level":"extreme"}"#, "")).is_err());
        assert!(parse_file(&file("", r#"{"phrase":"in order to","level":"balanced"}"#)).is_err());
        assert!(parse_file(&file(r#"{"phrase":"in  order","level":"balanced"}"#, "")).is_err());
        assert!(parse_file(&file(r#"{"phrase":"please","level":"balanced"}"#, "")).is_ok());
    }
}
