//! The phrase-table passes (fillers, rewrites, low-information words): each
//! English paragraph's words are matched against a table, longest entry
//! first, and a match is removed or replaced. A filler removed at the start
//! of a sentence passes its capital to the word after it.

use crate::compress::phrases::{is_word_char, Matcher, PhraseEntry};
use crate::compress::segment::{list_marker, Block, Doc, Kind};

use super::{block_group, slice, Edit, Group};

#[derive(Clone, Copy, Debug)]
struct Word {
    start: usize,
    end: usize,
}

/// The words of an editable run: letters and digits, with apostrophes and
/// hyphens inside them.
fn words_of(run: &str, offset: usize) -> Vec<Word> {
    let chars: Vec<(usize, char)> = run.char_indices().collect();
    let alnum = |j: usize| chars.get(j).is_some_and(|&(_, c)| c.is_alphanumeric());
    let mut words = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !alnum(i) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        loop {
            if alnum(j) {
                j += 1;
            } else if chars.get(j).is_some_and(|&(_, c)| is_word_char(c)) && alnum(j + 1) {
                j += 2;
            } else {
                break;
            }
        }
        if let (Some(&(s, _)), Some(&(e, c))) = (chars.get(i), chars.get(j - 1)) {
            words.push(Word {
                start: offset + s,
                end: offset + e + c.len_utf8(),
            });
        }
        i = j;
    }
    words
}

const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "approx", "mr", "mrs", "ms", "dr", "prof", "st", "no", "cf", "al",
    "inc", "ltd", "jr", "sr", "fig", "esp", "resp", "min", "max", "incl", "excl",
];

/// Whether `pos` starts a sentence, a line, or a list item.
fn sentence_start(text: &str, block: &Block, pos: usize) -> bool {
    let before = slice(text, block.start, pos);
    let t = before.trim_end_matches([' ', '\t', '(', '"', '“', '‘', '*', '_', '[', '\'']);
    let Some(last) = t.chars().next_back() else {
        return true;
    };
    match last {
        '\n' | ':' => true,
        '.' | '!' | '?' => {
            let tail = suffix(t, 12);
            let prev_word = tail
                .trim_end_matches(['.', '!', '?'])
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '.'))
                .next()
                .unwrap_or("")
                .to_lowercase();
            !(last == '.' && ABBREVIATIONS.contains(&prev_word.as_str()))
        }
        _ => {
            // A list marker, heading or quote marker alone before `pos`.
            let window = suffix(t, 12);
            let line = match window.rfind('\n') {
                Some(p) => window.get(p + 1..).unwrap_or(""),
                None if window.len() == t.len() => window,
                None => return false,
            };
            let l = line.trim();
            list_marker(&format!("{l} ")).is_some_and(|n| n == l.len() + 1)
                || (!l.is_empty() && l.chars().all(|c| c == '#' || c == '>'))
        }
    }
}

/// The last `n` bytes of `s` or a little fewer, on a character boundary.
fn suffix(s: &str, n: usize) -> &str {
    let mut k = s.len().saturating_sub(n);
    while !s.is_char_boundary(k) {
        k += 1;
    }
    s.get(k..).unwrap_or("")
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `w` is the phrase word `pw` as written at the start of a phrase: in
/// lowercase, or capitalized.
fn first_word_case(w: &str, pw: &str) -> Option<bool> {
    if w == pw {
        Some(false)
    } else if w == capitalize(pw) {
        Some(true)
    } else {
        None
    }
}

/// `w` is the phrase word `pw` inside a phrase: lowercase, except the
/// pronoun I.
fn inner_word_matches(w: &str, pw: &str) -> bool {
    w == pw || (is_pronoun_i(pw) && w == capitalize(pw))
}

fn is_pronoun_i(pw: &str) -> bool {
    matches!(pw, "i" | "i'm" | "i'd" | "i'll" | "i've")
}

/// Between two words of a phrase: spaces, and at most one line break.
fn phrase_gap(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c == ' ' || c == '\t' || c == '\n' || c == '\r')
        && s.matches('\n').count() <= 1
}

fn word_text(text: &str, w: Word) -> &str {
    slice(text, w.start, w.end)
}

pub(super) fn phrase_pass(text: &str, doc: &Doc, matcher: &Matcher) -> Vec<Group> {
    if matcher.is_empty() {
        return Vec::new();
    }
    let mut prev_end: Option<usize> = None;
    doc.blocks
        .iter()
        .filter_map(|block| {
            let gap_start = prev_end.replace(block.end);
            if block.kind != Kind::Prose || !block.english {
                return None;
            }
            let mut edits: Vec<Edit> = Vec::new();
            for run in block.runs() {
                run_edits(text, block, run, matcher, &mut edits);
            }
            if let Some(group) = all_filler(block, &edits, gap_start) {
                return Some(group);
            }
            block_group(block, edits)
        })
        .collect()
}

/// The edits of the editable run `rs..re` of `block`.
fn run_edits(
    text: &str,
    block: &Block,
    (rs, re): (usize, usize),
    matcher: &Matcher,
    edits: &mut Vec<Edit>,
) {
    let words = words_of(slice(text, rs, re), rs);
    // Where a removed filler that began a sentence with a capital ended: the
    // word there takes over the capital.
    let mut carry: Option<usize> = None;
    let mut i = 0;
    while let Some(&w) = words.get(i) {
        let inherited = carry == Some(w.start);
        carry = None;
        let found = match_at(text, block, &words, i, matcher, inherited);
        match found.and_then(|m| phrase_edit(text, block, (rs, re), &words, i, m)) {
            Some((edit, passes_capital)) => {
                if passes_capital {
                    carry = Some(edit.end);
                }
                let end = edit.end;
                edits.push(edit);
                while words.get(i).is_some_and(|x| x.start < end) {
                    i += 1;
                }
            }
            None => {
                if inherited {
                    edits.extend(take_capital(text, w));
                }
                i += 1;
            }
        }
    }
}

/// The edit for the entry `m` found at word `i`, and whether the word after
/// it takes over the match's capital.
fn phrase_edit(
    text: &str,
    block: &Block,
    run: (usize, usize),
    words: &[Word],
    i: usize,
    m: Match,
) -> Option<(Edit, bool)> {
    let (k, entry, sentence, capital) = m;
    let w = *words.get(i)?;
    let first = w.start;
    let last = words.get(i + k - 1).map_or(w.end, |x| x.end);
    if entry.replacement.is_empty() {
        let (edit, goes_on) = removal(text, block, run, first, last, sentence)?;
        return Some((edit, capital && goes_on));
    }
    let with = if capital {
        capitalize(&entry.replacement)
    } else {
        entry.replacement.clone()
    };
    Some((
        Edit {
            start: first,
            end: last,
            with,
        },
        false,
    ))
}

/// The word `w` capitalized, if it starts in lowercase and has no capital
/// inside it (then it is a name, left alone).
fn take_capital(text: &str, w: Word) -> Option<Edit> {
    let word = word_text(text, w);
    let mut chars = word.chars();
    let c = chars.next()?;
    (c.is_lowercase() && !chars.any(char::is_uppercase)).then(|| Edit {
        start: w.start,
        end: w.start + c.len_utf8(),
        with: c.to_uppercase().collect(),
    })
}

/// A paragraph that was all filler ("Thank you!") goes with the blank lines
/// before it (from `gap`).
fn all_filler(block: &Block, edits: &[Edit], gap: Option<usize>) -> Option<Group> {
    let ([only], Some(gap)) = (edits, gap) else {
        return None;
    };
    (only.start == block.start && only.end == block.end && only.with.is_empty()).then(|| Group {
        start: gap,
        end: block.end,
        edits: vec![Edit {
            start: gap,
            end: block.end,
            with: String::new(),
        }],
    })
}

/// A match: the entry's word count, the entry, whether it starts a sentence
/// and whether it is capitalized there.
type Match = (usize, &'static PhraseEntry, bool, bool);

/// The longest entry that matches at word `i`.
fn match_at(
    text: &str,
    block: &Block,
    words: &[Word],
    i: usize,
    matcher: &Matcher,
    inherited: bool,
) -> Option<Match> {
    let w0 = *words.get(i)?;
    let first = word_text(text, w0);
    let lower = first.to_lowercase();
    let candidates = matcher.candidates(&lower);
    if candidates.is_empty() {
        return None;
    }
    let mut sentence: Option<bool> = None;
    for (pwords, index) in candidates {
        let k = pwords.len();
        let Some(entry) = matcher.entry(*index) else {
            continue;
        };
        let Some(pw0) = pwords.first() else { continue };
        let Some(capital) = first_word_case(first, pw0) else {
            continue;
        };
        let ok = (1..k).all(|j| {
            let (Some(a), Some(b), Some(pw)) =
                (words.get(i + j - 1), words.get(i + j), pwords.get(j))
            else {
                return false;
            };
            phrase_gap(slice(text, a.end, b.start)) && inner_word_matches(word_text(text, *b), pw)
        });
        if !ok {
            continue;
        }
        let is_start =
            *sentence.get_or_insert_with(|| inherited || sentence_start(text, block, w0.start));
        if (capital && !is_start && !is_pronoun_i(pw0)) || (entry.start_only && !is_start) {
            continue;
        }
        let last = *words.get(i + k - 1)?;
        let at = Place {
            text,
            block,
            words,
            i,
            k,
            is_start,
        };
        if !at.allows(entry, last) {
            continue;
        }
        return Some((k, entry, is_start, (capital && is_start) || inherited));
    }
    None
}

/// Where a phrase matched: words `i..i + k` of `words`, in `block`.
struct Place<'a> {
    text: &'a str,
    block: &'a Block,
    words: &'a [Word],
    i: usize,
    k: usize,
    is_start: bool,
}

impl Place<'_> {
    /// Whether the words around the match (`last` is its last word) let
    /// `entry` apply: its notAfter, onlyAfter, notBefore, beforeWord and
    /// whole-sentence conditions, and no hyphen glued to either end.
    fn allows(&self, entry: &PhraseEntry, last: Word) -> bool {
        let Place {
            text,
            block,
            words,
            i,
            k,
            is_start,
        } = *self;
        let Some(&w0) = words.get(i) else {
            return false;
        };
        // The words around it, when only spaces separate them.
        let prev = i.checked_sub(1).and_then(|p| words.get(p)).filter(|p| {
            slice(text, p.end, w0.start)
                .chars()
                .all(|c| c == ' ' || c == '\t')
                && p.end < w0.start
        });
        let prev_word = prev.map(|p| word_text(text, *p).to_lowercase());
        if let Some(pl) = &prev_word {
            if entry.not_after.contains(pl) {
                return false;
            }
        }
        if !entry.only_after.is_empty()
            && !is_start
            && !prev_word.is_some_and(|pl| entry.only_after.contains(&pl))
        {
            return false;
        }
        let next = words.get(i + k).filter(|n| {
            let between = slice(text, last.end, n.start);
            !between.is_empty() && between.chars().all(|c| c == ' ' || c == '\t')
        });
        if let Some(n) = next {
            let nl = word_text(text, *n).to_lowercase();
            if entry.not_before.contains(&nl) {
                return false;
            }
        }
        if entry.before_word && next.is_none() {
            return false;
        }
        if entry.whole_sentence {
            let rest = slice(text, last.end, block.end).trim_start_matches([' ', '\t']);
            let ends = rest.is_empty() || rest.starts_with(['.', '!', '?', '\n', '\r']);
            if !is_start || !ends {
                return false;
            }
        }
        // Not glued to a hyphen ("-please", "in order to-").
        let glued = |p: usize, back: bool| {
            let c = if back {
                slice(text, block.start, p).chars().next_back()
            } else {
                slice(text, p, block.end).chars().next()
            };
            c == Some('-')
        };
        !(glued(w0.start, true) || glued(last.end, false))
    }
}

/// The edit that removes the filler at `s..e`, with the comma or spaces
/// that go with it, and whether the sentence goes on after it (so that the
/// next word may take over a capital).
fn removal(
    text: &str,
    block: &Block,
    run: (usize, usize),
    s: usize,
    e: usize,
    sentence: bool,
) -> Option<(Edit, bool)> {
    let (mut start, mut end, mut goes_on) = filler_extent(text, block, run, s, e, sentence)?;
    if let Some((a, z)) = emptied_line(text, block, start, end) {
        (start, end, goes_on) = (a, z, false);
    }
    if start < block.start || end > block.end || !block.editable(start, end) {
        return None;
    }
    Some((
        Edit {
            start,
            end,
            with: String::new(),
        },
        goes_on,
    ))
}

/// What goes with the filler at `s..e` of the run: a comma and the spaces
/// on one side, or the whole sentence's punctuation. The range to remove
/// and whether the sentence goes on after it; `None` where removing it
/// would glue two words.
fn filler_extent(
    text: &str,
    block: &Block,
    (rs, re): (usize, usize),
    s: usize,
    e: usize,
    sentence: bool,
) -> Option<(usize, usize, bool)> {
    let after = slice(text, e, re);
    let spaces_after = after.len() - after.trim_start_matches([' ', '\t']).len();
    let rest = slice(text, e + spaces_after, block.end);
    let before = slice(text, rs, s);
    let before_trim = before.trim_end_matches([' ', '\t']);
    let spaces_before = before.len() - before_trim.len();

    let (mut start, mut end, mut goes_on) = (s, e, false);
    if after.starts_with(',') {
        let after_comma = after.get(1..).unwrap_or("");
        let sp = after_comma.len() - after_comma.trim_start_matches([' ', '\t']).len();
        if !sentence && before_trim.ends_with(',') {
            // "Answer, please, now" -> "Answer, now"
            start = s - spaces_before - 1;
        } else {
            end = e + 1 + sp;
            goes_on = true;
        }
    } else if rest.is_empty()
        || rest.starts_with(['.', '!', '?', ';', ':', '\n', '\r', ')', ']'])
        || e + spaces_after >= re
    {
        if sentence {
            // The whole sentence is filler ("Thank you.").
            let punct = rest.len() - rest.trim_start_matches(['.', '!', '?']).len();
            if punct > 0 && e + spaces_after + punct <= re {
                end = e + spaces_after + punct;
                let tail = slice(text, end, re);
                let sp = tail.len() - tail.trim_start_matches([' ', '\t']).len();
                if sp > 0 && end + sp < re {
                    end += sp;
                } else {
                    start = s - spaces_before;
                }
            } else if rest.is_empty() || rest.starts_with(['\n', '\r']) {
                start = s - spaces_before;
                end = e + spaces_after;
            } else {
                return None;
            }
        } else {
            // "the question, please." -> "the question."
            start = s - spaces_before;
            if before_trim.ends_with(',') {
                start -= 1;
            }
        }
    } else {
        if spaces_after == 0 {
            return None;
        }
        end = e + spaces_after;
        goes_on = true;
    }
    Some((start, end, goes_on))
}

/// A line that removing `start..end` leaves empty goes with its line break:
/// the range that then goes, if the removal empties its line. (Only the
/// blanks next to the edit are looked at, so this stays linear.)
fn emptied_line(text: &str, block: &Block, start: usize, end: usize) -> Option<(usize, usize)> {
    let before_edit = slice(text, block.start, start);
    let blank_before = before_edit.trim_end_matches(|c: char| c.is_whitespace() && c != '\n');
    let line_start = block.start + blank_before.len();
    let after_edit = slice(text, end, block.end);
    let blank_after = after_edit.len()
        - after_edit
            .trim_start_matches(|c: char| c.is_whitespace() && c != '\n' && c != '\r')
            .len();
    let line_end = end + blank_after;
    let starts_line = line_start == block.start || blank_before.ends_with('\n');
    let ends_line = line_end == block.end
        || slice(text, line_end, line_end + 1) == "\n"
        || slice(text, line_end, line_end + 2) == "\r\n";
    if !(starts_line && ends_line) {
        return None;
    }
    if line_start > block.start {
        let nl = if slice(text, line_start.saturating_sub(2), line_start) == "\r\n" {
            2
        } else {
            1
        };
        Some((line_start - nl, line_end))
    } else if line_end < block.end {
        let nl = if slice(text, line_end, line_end + 2) == "\r\n" {
            2
        } else {
            1
        };
        Some((line_start, line_end + nl))
    } else {
        // The paragraph is this one line: the removal stays as it is.
        Some((start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_inner_apostrophes_and_hyphens() {
        let t = "don't re-use it' -x y-";
        let w: Vec<&str> = words_of(t, 0).iter().map(|w| &t[w.start..w.end]).collect();
        assert_eq!(w, vec!["don't", "re-use", "it", "x", "y"]);
    }
}
