//! The word lists that segmentation reads, from `data/compress/` (the only
//! copies; provenance in `data/compress/README.md`), compiled in and parsed
//! once, on first use.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const UNITS: &str = include_str!("../../../data/compress/units.txt");
const ENGLISH_STOPWORDS: &str = include_str!("../../../data/compress/stopwords-en.txt");
const OTHER_STOPWORDS: &str = include_str!("../../../data/compress/stopwords-other.txt");

/// The entries of a list: one a line, `#` comments and blank lines skipped.
fn entries(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Whether `word` (in any case) is a unit that belongs to the number
/// before it.
pub(super) fn is_unit(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let units = SET.get_or_init(|| entries(UNITS).collect());
    units.contains(word.to_lowercase().as_str())
}

/// Every stopword (lowercase, straight apostrophes): `true` for English,
/// `false` for the other languages.
pub(super) fn stopwords() -> &'static HashMap<&'static str, bool> {
    static WORDS: OnceLock<HashMap<&'static str, bool>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut m: HashMap<&'static str, bool> =
            entries(OTHER_STOPWORDS).map(|w| (w, false)).collect();
        m.extend(entries(ENGLISH_STOPWORDS).map(|w| (w, true)));
        m
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lowercase single words with straight apostrophes: the form the
    /// lookups lowercase their input to.
    fn check_form(name: &str, list: &'static str) -> Vec<&'static str> {
        let words: Vec<&str> = entries(list).collect();
        assert!(!words.is_empty(), "{name} is empty");
        for w in &words {
            assert_eq!(*w, w.to_lowercase(), "{name}: {w:?} is not lowercase");
            assert!(
                !w.contains(char::is_whitespace),
                "{name}: {w:?} has a space"
            );
            assert!(!w.contains('’'), "{name}: {w:?} has a curly apostrophe");
        }
        words
    }

    fn check_unique(name: &str, words: &[&str]) {
        let mut seen = HashSet::new();
        for w in words {
            assert!(seen.insert(*w), "{name}: {w:?} is listed twice");
        }
    }

    #[test]
    fn lists_are_well_formed() {
        let units = check_form("units.txt", UNITS);
        check_unique("units.txt", &units);
        let english = check_form("stopwords-en.txt", ENGLISH_STOPWORDS);
        check_unique("stopwords-en.txt", &english);
        let other = check_form("stopwords-other.txt", OTHER_STOPWORDS);
        // The other list may name a word under two languages, but no word
        // may be in both lists: which one won would depend on load order.
        let english: HashSet<&str> = english.into_iter().collect();
        for w in &other {
            assert!(!english.contains(w), "{w:?} is in both stopword lists");
        }
    }

    #[test]
    fn lookups_read_the_lists() {
        assert!(is_unit("GB") && is_unit("%") && is_unit("°C") && is_unit("x"));
        assert!(!is_unit("apples") && !is_unit("") && !is_unit("#"));
        let words = stopwords();
        assert_eq!(words.get("the"), Some(&true));
        assert_eq!(words.get("don't"), Some(&true));
        assert_eq!(words.get("vous"), Some(&false));
        assert_eq!(words.get("bitte"), Some(&false));
        assert_eq!(words.get("# french"), None);
        assert_eq!(words.len(), 126 + 168 - 6);
    }
}
