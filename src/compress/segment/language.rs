//! Whether a paragraph is English: the phrase tables are English, so other
//! languages only get the whitespace passes. Letters outside ASCII and the
//! share of common words (`data/compress/stopwords-*.txt`) decide, with
//! short paragraphs (headings, one-line notes) taking the document's
//! verdict.

use super::words::stopwords;
use super::{slice, Block, Kind};

/// Sets [`Block::english`] on every block: prose that reads as English.
pub(super) fn tag(text: &str, blocks: &mut [Block]) {
    let mut doc_stats = LangStats::default();
    let stats: Vec<LangStats> = blocks
        .iter()
        .map(|b| {
            let s = lang_stats(text, b);
            doc_stats.add(&s);
            s
        })
        .collect();
    let doc_english = doc_stats.english(None);
    for (block, s) in blocks.iter_mut().zip(stats) {
        block.english = block.kind == Kind::Prose && s.english(Some(doc_english));
    }
}

#[derive(Default, Clone, Copy)]
struct LangStats {
    letters: usize,
    ascii_letters: usize,
    words: usize,
    english: usize,
    other: usize,
}

impl LangStats {
    fn add(&mut self, o: &LangStats) {
        self.letters += o.letters;
        self.ascii_letters += o.ascii_letters;
        self.words += o.words;
        self.english += o.english;
        self.other += o.other;
    }

    /// English enough for the phrase tables. `doc` is the document's verdict,
    /// which short paragraphs take.
    fn english(&self, doc: Option<bool>) -> bool {
        if self.letters > 0 && self.ascii_letters * 100 < self.letters * 90 {
            return false;
        }
        match doc {
            Some(doc) if self.words < 6 => doc && self.other <= self.english,
            // A short text on its own: English unless it has the common
            // words of another language.
            None if self.words < 6 => self.other == 0,
            _ => {
                self.english >= 1
                    && self.english * 100 >= self.words * 12
                    && self.english > 2 * self.other
            }
        }
    }
}

fn lang_stats(text: &str, block: &Block) -> LangStats {
    let mut st = LangStats::default();
    for (a, z) in block.runs() {
        let run = slice(text, a, z);
        st.letters += run.chars().filter(|c| c.is_alphabetic()).count();
        st.ascii_letters += run.bytes().filter(u8::is_ascii_alphabetic).count();
        for w in run.split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '’')) {
            if w.is_empty() {
                continue;
            }
            st.words += 1;
            if w.len() > 16 {
                continue;
            }
            let lower = w.to_lowercase().replace('’', "'");
            match stopwords().get(lower.as_str()) {
                Some(true) => st.english += 1,
                Some(false) => st.other += 1,
                None => {}
            }
        }
    }
    st
}
