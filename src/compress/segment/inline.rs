//! Protected spans inside a prose paragraph: inline code, URLs, e-mail
//! addresses, numbers with their units, quoted strings, template
//! placeholders and tags, and code-like words (identifiers, paths). One scan
//! of the paragraph, linear: an opener with no closer is remembered, so that
//! it is not looked for again.

use std::collections::HashSet;

use super::blocks::is_info_string;
use super::slice;
use super::words::is_unit;

fn is_url_start(s: &str) -> bool {
    let starts = |p: &str| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    if starts("www.") || starts("mailto:") {
        return true;
    }
    // scheme://
    let scheme_len = s
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
        .count();
    scheme_len > 0
        && s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && s.get(scheme_len..).is_some_and(|r| r.starts_with("://"))
}

const CODE_CHARS: &[char] = &[
    '_', '/', '\\', '=', '<', '>', '{', '}', '[', ']', '|', '@', '#', '$', '%', '^', '&', '~', '+',
    '`', '*',
];

/// Whether a word (its surrounding punctuation already trimmed) must stay
/// exactly as it is: numbers, identifiers, paths, e-mail addresses, file
/// names, calls.
fn code_like(core: &str) -> bool {
    if !core.chars().any(char::is_alphanumeric) {
        return false;
    }
    if core.chars().any(|c| c.is_ascii_digit() || c.is_numeric()) {
        return true;
    }
    if core.contains(CODE_CHARS) {
        return true;
    }
    let chars: Vec<char> = core.chars().collect();
    chars.windows(3).any(|w| match w {
        [a, '.' | '(' | ')' | ':', b] => a.is_alphanumeric() && b.is_alphanumeric(),
        _ => false,
    }) || chars
        .windows(2)
        .any(|w| matches!(w, [a, '('] if a.is_alphanumeric()))
}

const LEADING_PUNCT: &[char] = &['(', '*', '_', '"', '\'', '“', '‘', '«', '¿', '¡'];
const TRAILING_PUNCT: &[char] = &[
    '.', ',', ';', ':', '!', '?', ')', '"', '\'', '”', '’', '»', '*', '_',
];

/// Marks that open a span of their own when they stand inside a word.
const SPAN_OPENERS: &[char] = &['`', '"', '“', '„', '«'];

/// Finds the protected spans of a prose block.
pub(super) fn inline_spans(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let s = slice(text, start, end);
    let mut scan = InlineScan {
        s,
        cached_line_end: None,
        no_backtick_close: HashSet::new(),
        no_close: HashSet::new(),
        no_single_close_until: 0,
    };
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let protect = |a: usize, z: usize, spans: &mut Vec<(usize, usize)>| {
        if z > a {
            spans.push((start + a, start + z));
        }
    };
    let mut i = 0;
    while i < s.len() {
        let Some(c) = s.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        let prev = s.get(..i).and_then(|r| r.chars().next_back());
        if let Some(close) = scan.opened_span(i, c, prev) {
            protect(i, close, &mut spans);
            i = close;
            continue;
        }
        // A word starts here: check it once.
        if !c.is_whitespace() && prev.is_none_or(char::is_whitespace) {
            if let Some((a, z)) = word_span(s, i) {
                protect(a, z, &mut spans);
                i = z;
                continue;
            }
        }
        i += c.len_utf8();
    }
    spans
}

/// What the scan of one paragraph (`s`) remembers.
struct InlineScan<'t> {
    s: &'t str,
    /// The end of the line last asked for: the scan only moves forward, so
    /// finding line ends costs one scan of the text in all.
    cached_line_end: Option<usize>,
    /// Backtick run lengths with no closing run later in the paragraph.
    no_backtick_close: HashSet<usize>,
    /// Opening quotation marks with no closing mark later in the paragraph.
    no_close: HashSet<char>,
    /// A single quote before this offset has no closing one on its line.
    no_single_close_until: usize,
}

impl InlineScan<'_> {
    /// The end of the line at `i`.
    fn line_end(&mut self, i: usize) -> usize {
        match self.cached_line_end {
            Some(le) if le >= i => le,
            _ => {
                let le = self
                    .s
                    .get(i..)
                    .and_then(|r| r.find('\n'))
                    .map_or(self.s.len(), |p| i + p);
                self.cached_line_end = Some(le);
                le
            }
        }
    }

    /// The end (exclusive) of the span that the character `c` at `i` opens
    /// (`prev` is the character before it), if it opens one: inline code, a
    /// quotation, a placeholder (`{x}`, `{{x}}`, `${x}`, `[X]`) or a tag.
    fn opened_span(&mut self, i: usize, c: char, prev: Option<char>) -> Option<usize> {
        let s = self.s;
        let b = s.as_bytes();
        match c {
            '`' => Some(self.code_span(i)),
            '"' | '“' | '„' | '«' | '‘' if !self.no_close.contains(&c) => {
                let close = find_quote_close(s, i + c.len_utf8(), c);
                if close.is_none() {
                    self.no_close.insert(c);
                }
                close
            }
            '\'' if !prev.is_some_and(char::is_alphanumeric)
                && s.get(i + 1..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(|n| !n.is_whitespace())
                && i >= self.no_single_close_until =>
            {
                let le = self.line_end(i);
                let close = find_single_close(s, i + 1, le);
                if close.is_none() {
                    self.no_single_close_until = le;
                }
                close
            }
            '{' => {
                let le = self.line_end(i);
                if b.get(i + 1) == Some(&b'{') {
                    s.get(i + 2..le.min(i + 200))
                        .and_then(|r| r.find("}}"))
                        .map(|p| i + 2 + p + 2)
                } else {
                    find_matching(b, i, le.min(i + 200), b'{', b'}')
                }
            }
            '$' if b.get(i + 1) == Some(&b'{') => {
                let le = self.line_end(i);
                find_matching(b, i + 1, le.min(i + 200), b'{', b'}')
            }
            '[' => {
                let le = self.line_end(i);
                find_matching(b, i, le.min(i + 200), b'[', b']')
            }
            '<' if b
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, b'/' | b'!' | b'?')) =>
            {
                let le = self.line_end(i).min(i + 200);
                b.get(i + 1..le)
                    .and_then(|r| r.iter().position(|&x| x == b'>' || x == b'<'))
                    .filter(|&p| b.get(i + 1 + p) == Some(&b'>'))
                    .map(|p| i + 2 + p)
            }
            _ => None,
        }
    }

    /// The end of the inline code that the backtick run at `i` opens; an
    /// unclosed run is protected alone.
    fn code_span(&mut self, i: usize) -> usize {
        let s = self.s;
        let b = s.as_bytes();
        let run = b
            .get(i..)
            .map_or(0, |r| r.iter().take_while(|&&x| x == b'`').count());
        if !self.no_backtick_close.contains(&run) {
            if let Some(close) = find_backtick_run(b, i + run, run) {
                return close + run;
            }
            self.no_backtick_close.insert(run);
        }
        // An unclosed fence that ends its line: its info string is code too
        // (segment() made the lines after it code).
        let le = self.line_end(i);
        if run >= 3 && is_info_string(s.get(i + run..le).unwrap_or("")) {
            le
        } else {
            i + run.max(1)
        }
    }
}

/// The protected part of the word that starts at `i`, if any.
fn word_span(s: &str, i: usize) -> Option<(usize, usize)> {
    // A word ends at a space, or where inline code or a quotation opens
    // inside it: in "(`a  b`)" or "x\"a  b\"" the span must be found whole,
    // not cut by a word that swallows its opening mark.
    let word_end = s
        .get(i..)
        .and_then(|r| {
            r.char_indices()
                .skip(1)
                .find(|&(_, c)| c.is_whitespace() || SPAN_OPENERS.contains(&c))
        })
        .map_or(s.len(), |(p, _)| i + p);
    let (a, z) = protected_word(s, i, word_end)?;
    // Leading punctuation (an opening quote or bracket) may still open a
    // span of its own: then it is looked at first.
    let lead = s.get(i..a).unwrap_or("");
    (!lead.contains(['"', '“', '„', '«', '‘', '\'', '`', '[', '{', '<'])).then_some((a, z))
}

/// The protected part of the word `s[i..word_end]`, if any.
fn protected_word(s: &str, i: usize, word_end: usize) -> Option<(usize, usize)> {
    let word = s.get(i..word_end)?;
    let trimmed_start = word.trim_start_matches(LEADING_PUNCT);
    let a = i + (word.len() - trimmed_start.len());
    let core = trimmed_start.trim_end_matches(TRAILING_PUNCT);
    if core.is_empty() {
        return None;
    }
    let z = a + core.len();
    if is_url_start(core) {
        // URLs keep a closing parenthesis they opened.
        let full = s.get(a..word_end)?;
        let mut url =
            full.trim_end_matches(['.', ',', ';', ':', '!', '?', '"', '\'', '”', '’', '»']);
        while url.ends_with(')') && url.matches(')').count() > url.matches('(').count() {
            url = url
                .get(..url.len() - 1)?
                .trim_end_matches(['.', ',', ';', ':', '!', '?']);
        }
        return Some((a, a + url.len()));
    }
    if !code_like(core) {
        return None;
    }
    // A number takes the unit after it.
    if core.starts_with(|c: char| {
        c.is_ascii_digit() || matches!(c, '$' | '€' | '£' | '¥' | '-' | '+' | '.')
    }) && word_end == z
    {
        let after = s.get(z..)?;
        let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
        if spaces > 0 {
            let next_start = z + spaces;
            let next_end = s
                .get(next_start..)
                .and_then(|r| r.find(char::is_whitespace))
                .map_or(s.len(), |p| next_start + p);
            let unit = s
                .get(next_start..next_end)?
                .trim_end_matches(TRAILING_PUNCT);
            if !unit.is_empty() && is_unit(unit) {
                return Some((a, next_start + unit.len()));
            }
        }
    }
    Some((a, z))
}

/// The next run of exactly `len` backticks at or after `from`.
fn find_backtick_run(b: &[u8], from: usize, len: usize) -> Option<usize> {
    let mut j = from;
    while j < b.len() {
        if b.get(j) == Some(&b'`') {
            let run = b
                .get(j..)
                .map_or(0, |r| r.iter().take_while(|&&x| x == b'`').count());
            if run == len {
                return Some(j);
            }
            j += run;
        } else {
            j += 1;
        }
    }
    None
}

/// The end (exclusive) of the quoted string opened by `open` before `from`.
fn find_quote_close(s: &str, from: usize, open: char) -> Option<usize> {
    let rest = s.get(from..)?;
    match open {
        '"' => rest.find('"').map(|p| from + p + 1),
        '“' => rest
            .find(['”', '“'])
            .filter(|&p| rest.get(p..).is_some_and(|r| r.starts_with('”')))
            .map(|p| from + p + '”'.len_utf8()),
        '„' => rest.find(['“', '”']).map(|p| from + p + '“'.len_utf8()),
        '«' => rest.find('»').map(|p| from + p + '»'.len_utf8()),
        '‘' => {
            // A closing ’ is not followed by a letter (that is an apostrophe).
            let mut offset = 0;
            while let Some(p) = rest.get(offset..).and_then(|r| r.find('’')) {
                let at = offset + p;
                let after = rest
                    .get(at + '’'.len_utf8()..)
                    .and_then(|r| r.chars().next());
                if !after.is_some_and(char::is_alphanumeric) {
                    return Some(from + at + '’'.len_utf8());
                }
                offset = at + '’'.len_utf8();
            }
            None
        }
        _ => None,
    }
}

/// The end (exclusive) of a single-quoted string: a `'` after a non-space
/// and before a non-letter, on the same line.
fn find_single_close(s: &str, from: usize, line_end: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut j = from;
    while j < line_end {
        if b.get(j) == Some(&b'\'') {
            let prev = s.get(..j).and_then(|r| r.chars().next_back());
            let next = s.get(j + 1..).and_then(|r| r.chars().next());
            if prev.is_some_and(|p| !p.is_whitespace())
                && !next.is_some_and(char::is_alphanumeric)
                && j > from
            {
                return Some(j + 1);
            }
        }
        j += 1;
    }
    None
}

/// The end (exclusive) of the bracket opened at `open_at`, before `limit`.
fn find_matching(b: &[u8], open_at: usize, limit: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = open_at;
    while j < limit.min(b.len()) {
        let x = *b.get(j)?;
        if x == open {
            depth += 1;
        } else if x == close {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return (j > open_at + 1).then_some(j + 1);
            }
        } else if x == b'\n' {
            return None;
        }
        j += 1;
    }
    None
}
