//! Splits a prompt into what the passes may edit and what they must not.
//!
//! Two levels, both linear in the text:
//! * Blocks, made of whole lines: fenced and indented code, structured
//!   blocks (JSON, XML, YAML, Markdown tables) and prose paragraphs (runs of
//!   non-blank lines).
//!   Blank lines between blocks are the gaps.
//! * Inside a prose paragraph, protected spans: inline code, URLs, e-mail
//!   addresses, numbers with their units, quoted strings, template
//!   placeholders and tags, and code-like tokens (identifiers, paths).
//!
//! Each paragraph is also tagged English or not: the phrase tables are
//! English, so other languages only get the whitespace passes.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// One line: `start..end` without its line break (`\n` or `\r\n`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Fenced or indented code: never edited.
    Code,
    /// JSON, XML, YAML or a table: never edited.
    Structured,
    /// A paragraph of prose: edited outside its protected spans.
    Prose,
}

#[derive(Clone, Debug)]
pub(crate) struct Block {
    pub kind: Kind,
    /// Byte range: the start of the first line to the end of the last line
    /// (without its line break).
    pub start: usize,
    pub end: usize,
    /// Index range into [`Doc::lines`].
    pub first_line: usize,
    pub last_line: usize,
    /// Whether the phrase tables apply (prose only).
    pub english: bool,
    /// Protected byte ranges inside a prose block, sorted, not overlapping.
    pub spans: Vec<(usize, usize)>,
}

impl Block {
    /// The editable runs of a prose block: its range less the protected
    /// spans. Empty for code and structured blocks.
    pub fn runs(&self) -> Vec<(usize, usize)> {
        if self.kind != Kind::Prose {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(self.spans.len() + 1);
        let mut at = self.start;
        for &(s, e) in &self.spans {
            if s > at {
                out.push((at, s));
            }
            at = at.max(e);
        }
        if self.end > at {
            out.push((at, self.end));
        }
        out
    }

    /// Whether `start..end` lies outside every protected span (prose only).
    pub fn editable(&self, start: usize, end: usize) -> bool {
        if self.kind != Kind::Prose || start < self.start || end > self.end {
            return false;
        }
        // Spans are sorted: find the first that ends after `start`.
        let i = self.spans.partition_point(|&(_, e)| e <= start);
        match self.spans.get(i) {
            Some(&(s, _)) if end > start => s >= end,
            Some(&(s, _)) => s >= start,
            None => true,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Doc {
    pub lines: Vec<Line>,
    pub blocks: Vec<Block>,
    /// The indentation the document shares (columns), from which indented
    /// code is measured.
    pub margin: usize,
}

impl Doc {
    pub fn line(&self, i: usize) -> Line {
        self.lines
            .get(i)
            .copied()
            .unwrap_or(Line { start: 0, end: 0 })
    }
}

fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(text.len() / 40 + 1);
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            let end = if i > start && bytes.get(i - 1) == Some(&b'\r') {
                i - 1
            } else {
                i
            };
            lines.push(Line { start, end });
            start = i + 1;
        }
    }
    lines.push(Line {
        start,
        end: text.len(),
    });
    lines
}

fn slice(text: &str, start: usize, end: usize) -> &str {
    text.get(start..end).unwrap_or("")
}

pub(crate) fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// The width of a line's indentation in bytes (spaces and tabs).
pub(crate) fn indent_len(s: &str) -> usize {
    s.len() - s.trim_start_matches([' ', '\t']).len()
}

/// A list marker at the start of `s` (after its indentation): its length
/// including the spaces after it.
pub(crate) fn list_marker(s: &str) -> Option<usize> {
    let t = s.trim_start_matches([' ', '\t']);
    let lead = s.len() - t.len();
    let marker = if t.starts_with(['-', '*', '+', '•']) {
        t.chars().next().map_or(1, char::len_utf8)
    } else {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 3 || !t.get(digits..).is_some_and(|r| r.starts_with(['.', ')']))
        {
            return None;
        }
        digits + 1
    };
    let rest = t.get(marker..)?;
    let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    (spaces > 0 || rest.is_empty()).then_some(lead + marker + spaces)
}

/// The width of a line's indentation in columns, a tab reaching the next
/// multiple of four as in CommonMark.
fn indent_cols(s: &str) -> usize {
    let mut col = 0;
    for b in s.bytes() {
        match b {
            b' ' => col += 1,
            b'\t' => col += 4 - col % 4,
            _ => break,
        }
    }
    col
}

/// The bytes of `s`'s indentation that fill at most `cols` columns.
pub(crate) fn indent_within(s: &str, cols: usize) -> usize {
    let mut col = 0;
    for (i, b) in s.bytes().enumerate() {
        col += match b {
            b' ' => 1,
            b'\t' => 4 - col % 4,
            _ => return i,
        };
        if col > cols {
            return i;
        }
    }
    s.len()
}

/// Whether a line looks like code rather than prose.
pub(crate) fn codey(line: &str) -> bool {
    let t = line.trim();
    const STARTS: &[&str] = &[
        "def ", "class ", "return", "import ", "from ", "fn ", "let ", "const ", "var ",
        "function", "if (", "for (", "while (", "#include", "public ", "private ", "}", "{", "//",
        "/*", "#!", "$ ", ">>>",
    ];
    const CONTAINS: &[&str] = &[
        "`", " = ", "==", "=>", "->", "();", "()", "){", ") {", "};", "&&", "||", "::", "\t",
    ];
    STARTS.iter().any(|p| t.starts_with(p))
        || CONTAINS.iter().any(|p| t.contains(p))
        || t.ends_with(['{', ';', '(', '['])
}

/// A Markdown heading line (`# Title`): a block of its own, so indented
/// code may follow it directly.
fn is_atx_heading(s: &str) -> bool {
    let t = s.trim_start_matches(' ');
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    s.len() - t.len() <= 3
        && (1..=6).contains(&hashes)
        && t.get(hashes..)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

/// A fence opener: up to three spaces, then three or more backticks or
/// tildes. Returns the fence character and the run's length.
fn fence_open(line: &str) -> Option<(u8, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = line.get(indent..)?;
    let c = *rest.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let run = rest.bytes().take_while(|&b| b == c).count();
    if run < 3 {
        return None;
    }
    // A backtick fence's info string may not contain backticks.
    if c == b'`' && rest.get(run..).is_some_and(|info| info.contains('`')) {
        return None;
    }
    Some((c, run))
}

fn fence_closes(line: &str, c: u8, len: usize) -> bool {
    closing_run(line, c) >= len
}

/// The length of the run of `c` if the line is a bare fence (up to three
/// spaces, the run, blanks), else 0.
fn closing_run(line: &str, c: u8) -> usize {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return 0;
    }
    let rest = line.get(indent..).unwrap_or("");
    let run = rest.bytes().take_while(|&b| b == c).count();
    if rest.get(run..).is_some_and(is_blank) {
        run
    } else {
        0
    }
}

/// A backtick fence opened after text on the same line ("Run this: ```py"),
/// which Markdown does not recognise but a model reads as code: the line's
/// last backtick run, three or more long, followed by at most one word, and
/// not closing an inline span opened before it on the line. Returns the
/// run's length.
fn fence_opens_after_text(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let last = b.iter().rposition(|&x| x == b'`')?;
    let run = b
        .get(..=last)?
        .iter()
        .rev()
        .take_while(|&&x| x == b'`')
        .count();
    if run < 3 || !is_info_string(line.get(last + 1..)?) {
        return None;
    }
    let open_at = (last + 1).checked_sub(run)?;
    let same_runs = b
        .get(..open_at)?
        .split(|&x| x != b'`')
        .filter(|r| r.len() == run)
        .count();
    (same_runs % 2 == 0 && !is_blank(line.get(..open_at)?)).then_some(run)
}

/// What may follow a fence opened after text: nothing, or one word (a
/// language). More words are prose that mentions a fence.
fn is_info_string(rest: &str) -> bool {
    !rest.trim().contains(char::is_whitespace)
}

/// For each line whose first non-blank character opens a bracket (`{` or
/// `[`), the line where that bracket is closed, if it is closed at the end
/// of that line (a trailing comma allowed). One stack over the whole text,
/// string-aware within each line, so the whole scan is linear.
fn bracket_blocks(text: &str, lines: &[Line], in_code: &[bool]) -> Vec<Option<usize>> {
    let mut result = vec![None; lines.len()];
    // (line index, whether it is the line's first non-blank character)
    let mut stack: Vec<(usize, bool)> = Vec::new();
    for (li, line) in lines.iter().enumerate() {
        if in_code.get(li).copied().unwrap_or(false) {
            continue;
        }
        let s = slice(text, line.start, line.end);
        let first = s.len() - s.trim_start().len();
        let mut in_string = false;
        let mut escaped = false;
        for (i, b) in s.bytes().enumerate() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => stack.push((li, i == first)),
                b'}' | b']' => {
                    if let Some((open_line, at_start)) = stack.pop() {
                        let rest = s.get(i + 1..).unwrap_or("").trim();
                        if at_start && (rest.is_empty() || rest == ",") {
                            if let Some(slot) = result.get_mut(open_line) {
                                *slot = Some(li);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    result
}

fn is_xml_line(s: &str) -> bool {
    let t = s.trim();
    let mut chars = t.chars();
    chars.next() == Some('<')
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'))
        && t.ends_with('>')
}

fn is_table_line(s: &str) -> bool {
    let t = s.trim();
    t.starts_with('|') && t.matches('|').count() >= 2
}

/// `key: value` with an identifier key and a short value (not a sentence).
/// Returns whether it is such a line and whether its value is short.
fn yaml_key_line(s: &str) -> Option<bool> {
    let t = s.trim_start();
    let key_len = t
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        .count();
    if key_len == 0 || key_len > 40 || !t.as_bytes().first()?.is_ascii_alphabetic() {
        return None;
    }
    let rest = t.get(key_len..)?;
    let value = rest.strip_prefix(':')?;
    if !(value.is_empty() || value.starts_with([' ', '\t'])) {
        return None;
    }
    let value = value.trim();
    let short = value.is_empty()
        || value.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*'])
        || (value.split_whitespace().count() <= 4 && !value.ends_with(['.', '!', '?']));
    Some(short)
}

/// The first line after a YAML block starting at `i`, if one starts there:
/// two or more short `key: value` lines, with indented lines between.
fn yaml_block(text: &str, lines: &[Line], i: usize) -> Option<usize> {
    let first = lines.get(i)?;
    if yaml_key_line(slice(text, first.start, first.end)) != Some(true) {
        return None;
    }
    let mut keys = 0;
    let mut j = i;
    while let Some(line) = lines.get(j) {
        let s = slice(text, line.start, line.end);
        if is_blank(s) {
            break;
        }
        let indented = s.starts_with([' ', '\t']);
        match yaml_key_line(s) {
            Some(true) => keys += 1,
            Some(false) if indented => {}
            _ if indented && j > i => {
                let t = s.trim_start();
                if !(t.starts_with("- ") || t == "-") {
                    break;
                }
            }
            _ => break,
        }
        j += 1;
    }
    (keys >= 2).then_some(j)
}

/// Segments `text` into blocks and protected spans.
pub(crate) fn segment(text: &str) -> Doc {
    let lines = split_lines(text);
    let line_str = |i: usize| -> &str { lines.get(i).map_or("", |l| slice(text, l.start, l.end)) };

    // Fenced code first: it hides everything inside it from the rest.
    let mut in_code = vec![false; lines.len()];
    let mut code_end = vec![None; lines.len()];
    // The longest bare backtick fence at or below each line: a fence opened
    // after text counts only if one below can close it, known without a scan.
    let mut closer_below = vec![0; lines.len() + 1];
    for j in (0..lines.len()).rev() {
        let run = closing_run(line_str(j), b'`').max(closer_below.get(j + 1).copied().unwrap_or(0));
        if let Some(slot) = closer_below.get_mut(j) {
            *slot = run;
        }
    }
    let mut i = 0;
    while i < lines.len() {
        let (first, fence) = match fence_open(line_str(i)) {
            Some(fence) => (i, fence),
            None => match fence_opens_after_text(line_str(i)) {
                Some(len) if closer_below.get(i + 1).is_some_and(|&r| r >= len) => {
                    (i + 1, (b'`', len))
                }
                _ => {
                    i += 1;
                    continue;
                }
            },
        };
        let (c, len) = fence;
        let mut j = i + 1;
        while j < lines.len() && !fence_closes(line_str(j), c, len) {
            j += 1;
        }
        let last = j.min(lines.len() - 1);
        for flag in in_code.iter_mut().take(last + 1).skip(first) {
            *flag = true;
        }
        if let Some(slot) = code_end.get_mut(first) {
            *slot = Some(last);
        }
        i = last + 1;
    }
    let json_end = bracket_blocks(text, &lines, &in_code);
    // Indented code is four columns past the margin the document's prose
    // shares, taken from its lines after the first as Python's
    // inspect.cleandoc does: a prompt pasted from an indented triple-quoted
    // string, whose first line sits right after the quotes, is then read as
    // the Markdown it is. Lines that look like code do not set the margin,
    // so "Example:" over indented code keeps the code.
    let base = lines
        .iter()
        .zip(&in_code)
        .skip(1)
        .map(|(l, &code)| (slice(text, l.start, l.end), code))
        .filter(|&(s, code)| !code && !is_blank(s) && !codey(s))
        .map(|(s, _)| indent_cols(s))
        .min()
        .unwrap_or_else(|| indent_cols(line_str(0)));
    // The content column of the list being read: inside a list item,
    // indentation up to that column continues the item, not code.
    let mut list_col: Option<usize> = None;
    let in_fence = |j: usize| in_code.get(j).copied().unwrap_or(false);
    let indented_code = |i: usize, list_col: Option<usize>| -> Option<usize> {
        let threshold = list_col.unwrap_or(base) + 4;
        if indent_cols(line_str(i)) < threshold {
            return None;
        }
        let (mut last, mut j) = (i, i + 1);
        while j < lines.len() && !in_fence(j) {
            let s = line_str(j);
            if !is_blank(s) {
                if indent_cols(s) < threshold {
                    break;
                }
                last = j;
            }
            j += 1;
        }
        Some(last)
    };

    let mut blocks: Vec<Block> = Vec::new();
    let push = |kind: Kind, first: usize, last: usize, blocks: &mut Vec<Block>| {
        let (Some(a), Some(b)) = (lines.get(first), lines.get(last)) else {
            return;
        };
        blocks.push(Block {
            kind,
            start: a.start,
            end: b.end,
            first_line: first,
            last_line: last,
            english: false,
            spans: Vec::new(),
        });
    };
    let mut prose_start: Option<usize> = None;
    let mut i = 0;
    while i < lines.len() {
        let s = line_str(i);
        // Indented code cannot interrupt a paragraph (CommonMark), but it may
        // follow a heading.
        let opens_block = prose_start.is_none()
            || i.checked_sub(1)
                .is_some_and(|p| is_atx_heading(line_str(p)));
        if opens_block && !is_blank(s) && list_marker(s).is_none() {
            list_col = list_col.filter(|&c| indent_cols(s) >= c);
        }
        let structured_end = if let Some(Some(last)) = code_end.get(i) {
            Some((Kind::Code, *last))
        } else if is_blank(s) {
            None
        } else if let Some(Some(last)) = json_end.get(i) {
            Some((Kind::Structured, *last))
        } else if is_xml_line(s) {
            let mut j = i;
            while j + 1 < lines.len() && is_xml_line(line_str(j + 1)) {
                j += 1;
            }
            Some((Kind::Structured, j))
        } else if is_table_line(s) {
            let mut j = i;
            while j + 1 < lines.len() && is_table_line(line_str(j + 1)) {
                j += 1;
            }
            Some((Kind::Structured, j))
        } else if let Some(end) = yaml_block(text, &lines, i) {
            Some((Kind::Structured, end - 1))
        } else if opens_block {
            indented_code(i, list_col).map(|last| (Kind::Code, last))
        } else {
            None
        };
        match structured_end {
            Some((kind, last)) => {
                if let Some(p) = prose_start.take() {
                    push(Kind::Prose, p, i - 1, &mut blocks);
                }
                push(kind, i, last, &mut blocks);
                i = last + 1;
            }
            None if is_blank(s) => {
                if let Some(p) = prose_start.take() {
                    push(Kind::Prose, p, i - 1, &mut blocks);
                }
                i += 1;
            }
            None => {
                if let Some(m) = list_marker(s) {
                    list_col = Some(indent_cols(s) + m - indent_len(s));
                }
                if prose_start.is_none() {
                    prose_start = Some(i);
                }
                i += 1;
            }
        }
    }
    if let Some(p) = prose_start {
        push(Kind::Prose, p, lines.len() - 1, &mut blocks);
    }

    let mut blocks = join_across_code_spans(blocks, &multiline_code_spans(text, &lines, &in_code));
    for block in blocks.iter_mut().filter(|b| b.kind == Kind::Prose) {
        block.spans = inline_spans(text, block.start, block.end);
    }
    // Language: per paragraph, with short paragraphs (headings, one-line
    // notes) taking the document's language.
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
    Doc {
        lines,
        blocks,
        margin: base,
    }
}

/// Code spans of two or more backticks that run across lines, as byte
/// ranges. CommonMark reads them before any line-level guess of ours (a
/// `key: value` or `| cell |` line inside one is code, not YAML or a
/// table); a span ends at a blank line or a fence, where its paragraph
/// does. Linear: each run is paired with the next run of its length,
/// found by one backward scan.
fn multiline_code_spans(text: &str, lines: &[Line], in_code: &[bool]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let open = |j: usize| {
            lines
                .get(j)
                .is_some_and(|l| !is_blank(slice(text, l.start, l.end)))
                && !in_code.get(j).copied().unwrap_or(true)
        };
        if !open(i) {
            i += 1;
            continue;
        }
        let first = i;
        while open(i + 1) {
            i += 1;
        }
        let (start, end) = (
            lines.get(first).map_or(0, |l| l.start),
            lines.get(i).map_or(0, |l| l.end),
        );
        let b = text.as_bytes().get(start..end).unwrap_or(&[]);
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut k = 0;
        while k < b.len() {
            let n = b
                .get(k..)
                .map_or(0, |r| r.iter().take_while(|&&x| x == b'`').count());
            if n > 0 {
                runs.push((start + k, n));
                k += n;
            } else {
                k += 1;
            }
        }
        let mut next_same = vec![None; runs.len()];
        let mut last_of: HashMap<usize, usize> = HashMap::new();
        for (r, &(_, n)) in runs.iter().enumerate().rev() {
            if let Some(slot) = next_same.get_mut(r) {
                *slot = last_of.insert(n, r);
            }
        }
        let mut r = 0;
        while let Some(&(at, n)) = runs.get(r) {
            match next_same.get(r).copied().flatten() {
                Some(c) if n >= 2 => {
                    let close = runs.get(c).map_or(at, |&(p, m)| p + m);
                    if text.get(at..close).is_some_and(|s| s.contains('\n')) {
                        spans.push((at, close));
                    }
                    r = c + 1;
                }
                _ => r += 1,
            }
        }
        i += 1;
    }
    spans
}

/// Blocks that a multi-line code span runs across, joined into one: prose
/// if they all were, else structured (never edited), so that the span is
/// protected whole.
fn join_across_code_spans(blocks: Vec<Block>, spans: &[(usize, usize)]) -> Vec<Block> {
    if spans.is_empty() {
        return blocks;
    }
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut spans = spans.iter().peekable();
    for block in blocks {
        while spans.next_if(|&&(_, e)| e <= block.start).is_some() {}
        let joins = match (out.last(), spans.peek()) {
            (Some(prev), Some(&&(s, _))) => s < prev.end,
            _ => false,
        };
        match out.last_mut() {
            Some(prev) if joins => {
                if block.kind != Kind::Prose {
                    prev.kind = Kind::Structured;
                }
                prev.end = block.end;
                prev.last_line = block.last_line;
            }
            _ => out.push(block),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Inline protected spans

/// Units that belong to the number before them.
const UNITS: &[&str] = &[
    "%",
    "b",
    "kb",
    "mb",
    "gb",
    "tb",
    "pb",
    "kib",
    "mib",
    "gib",
    "tib",
    "bit",
    "bits",
    "byte",
    "bytes",
    "kbps",
    "mbps",
    "gbps",
    "hz",
    "khz",
    "mhz",
    "ghz",
    "ms",
    "s",
    "sec",
    "secs",
    "second",
    "seconds",
    "min",
    "mins",
    "minute",
    "minutes",
    "h",
    "hr",
    "hrs",
    "hour",
    "hours",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "mm",
    "cm",
    "m",
    "km",
    "in",
    "ft",
    "yd",
    "mi",
    "mg",
    "g",
    "kg",
    "t",
    "lb",
    "lbs",
    "oz",
    "ml",
    "l",
    "gal",
    "px",
    "pt",
    "em",
    "rem",
    "dpi",
    "°",
    "°c",
    "°f",
    "c",
    "f",
    "k",
    "v",
    "w",
    "kw",
    "kwh",
    "mah",
    "usd",
    "eur",
    "gbp",
    "jpy",
    "dollars",
    "euros",
    "percent",
    "tokens",
    "token",
    "words",
    "word",
    "characters",
    "chars",
    "sentences",
    "paragraphs",
    "lines",
    "pages",
    "items",
    "times",
    "x",
];

fn is_unit(word: &str) -> bool {
    let w = word.to_lowercase();
    UNITS.contains(&w.as_str())
}

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
fn inline_spans(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let s = slice(text, start, end);
    let b = s.as_bytes();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let protect = |a: usize, z: usize, spans: &mut Vec<(usize, usize)>| {
        if z > a {
            spans.push((start + a, start + z));
        }
    };
    // The end of the line at `i`, cached: `i` only grows, so finding line
    // ends costs one scan of the text in all.
    let mut cached_line_end: Option<usize> = None;
    let mut line_end = |i: usize| -> usize {
        match cached_line_end {
            Some(le) if le >= i => le,
            _ => {
                let le = s
                    .get(i..)
                    .and_then(|r| r.find('\n'))
                    .map_or(s.len(), |p| i + p);
                cached_line_end = Some(le);
                le
            }
        }
    };
    let mut no_backtick_close: HashSet<usize> = HashSet::new();
    let mut no_close: HashSet<char> = HashSet::new();
    let mut no_single_close_until = 0usize;
    let mut i = 0;
    while i < s.len() {
        let Some(c) = s.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        let prev = s.get(..i).and_then(|r| r.chars().next_back());
        let clen = c.len_utf8();
        match c {
            '`' => {
                let run = b
                    .get(i..)
                    .map_or(0, |r| r.iter().take_while(|&&x| x == b'`').count());
                if !no_backtick_close.contains(&run) {
                    if let Some(close) = find_backtick_run(b, i + run, run) {
                        protect(i, close + run, &mut spans);
                        i = close + run;
                        continue;
                    }
                    no_backtick_close.insert(run);
                }
                // An unclosed fence that ends its line: its info string is
                // code too (segment() made the lines after it code).
                let le = line_end(i);
                let end = if run >= 3 && is_info_string(s.get(i + run..le).unwrap_or("")) {
                    le
                } else {
                    i + run.max(1)
                };
                protect(i, end, &mut spans);
                i = end;
                continue;
            }
            '"' | '“' | '„' | '«' | '‘' if !no_close.contains(&c) => {
                if let Some(close) = find_quote_close(s, i + clen, c) {
                    protect(i, close, &mut spans);
                    i = close;
                    continue;
                }
                no_close.insert(c);
            }
            '\'' if !prev.is_some_and(char::is_alphanumeric)
                && s.get(i + 1..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(|n| !n.is_whitespace())
                && i >= no_single_close_until =>
            {
                let le = line_end(i);
                match find_single_close(s, i + 1, le) {
                    Some(close) => {
                        protect(i, close, &mut spans);
                        i = close;
                        continue;
                    }
                    None => no_single_close_until = le,
                }
            }
            '{' => {
                let le = line_end(i);
                let close = if b.get(i + 1) == Some(&b'{') {
                    s.get(i + 2..le.min(i + 200))
                        .and_then(|r| r.find("}}"))
                        .map(|p| i + 2 + p + 2)
                } else {
                    find_matching(b, i, le.min(i + 200), b'{', b'}')
                };
                if let Some(close) = close {
                    protect(i, close, &mut spans);
                    i = close;
                    continue;
                }
            }
            '$' if b.get(i + 1) == Some(&b'{') => {
                let le = line_end(i);
                if let Some(close) = find_matching(b, i + 1, le.min(i + 200), b'{', b'}') {
                    protect(i, close, &mut spans);
                    i = close;
                    continue;
                }
            }
            '[' => {
                let le = line_end(i);
                if let Some(close) = find_matching(b, i, le.min(i + 200), b'[', b']') {
                    protect(i, close, &mut spans);
                    i = close;
                    continue;
                }
            }
            '<' if b
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, b'/' | b'!' | b'?')) =>
            {
                let le = line_end(i).min(i + 200);
                if let Some(p) = b
                    .get(i + 1..le)
                    .and_then(|r| r.iter().position(|&x| x == b'>' || x == b'<'))
                {
                    if b.get(i + 1 + p) == Some(&b'>') {
                        protect(i, i + 2 + p, &mut spans);
                        i = i + 2 + p;
                        continue;
                    }
                }
            }
            _ => {}
        }
        // A word starts here: check it once.
        if !c.is_whitespace() && prev.is_none_or(char::is_whitespace) {
            // A word ends at a space, or where inline code or a quotation
            // opens inside it: in "(`a  b`)" or "x\"a  b\"" the span must be
            // found whole, not cut by a word that swallows its opening mark.
            let word_end = s
                .get(i..)
                .and_then(|r| {
                    r.char_indices()
                        .skip(1)
                        .find(|&(_, c)| c.is_whitespace() || SPAN_OPENERS.contains(&c))
                })
                .map_or(s.len(), |(p, _)| i + p);
            if let Some((a, z)) = protected_word(s, i, word_end) {
                if a > i {
                    // Leading punctuation (an opening quote or bracket) may
                    // still open a span of its own: look at it first.
                    let lead = s.get(i..a).unwrap_or("");
                    if !lead.contains(['"', '“', '„', '«', '‘', '\'', '`', '[', '{', '<']) {
                        protect(a, z, &mut spans);
                        i = z;
                        continue;
                    }
                } else {
                    protect(a, z, &mut spans);
                    i = z;
                    continue;
                }
            }
        }
        i += clen;
    }
    spans
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

// ---------------------------------------------------------------------------
// Language

const ENGLISH_STOPWORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "from",
    "by",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "you",
    "your",
    "yours",
    "i",
    "me",
    "my",
    "we",
    "our",
    "us",
    "they",
    "them",
    "their",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "will",
    "would",
    "should",
    "could",
    "can",
    "must",
    "may",
    "might",
    "do",
    "does",
    "did",
    "not",
    "no",
    "if",
    "then",
    "than",
    "as",
    "what",
    "which",
    "who",
    "how",
    "when",
    "where",
    "why",
    "all",
    "any",
    "each",
    "some",
    "only",
    "also",
    "just",
    "about",
    "into",
    "please",
    "want",
    "like",
    "have",
    "has",
    "had",
    "there",
    "here",
    "so",
    "such",
    "very",
    "more",
    "most",
    "other",
    "act",
    "don't",
    "doesn't",
    "isn't",
    "aren't",
    "can't",
    "won't",
    "it's",
    "you're",
    "i'm",
    "we're",
    "they're",
    "that's",
    "there's",
    "let's",
    "i'll",
    "you'll",
    "use",
    "make",
    "write",
    "answer",
    "give",
    "keep",
    "include",
    "avoid",
    "reply",
    "respond",
    "provide",
    "ensure",
    "always",
    "never",
    "every",
    "user",
    "text",
    "question",
    "following",
    "example",
    "output",
    "format",
];

/// Common words of languages whose text is in Latin letters, left out when
/// they are English words too.
const OTHER_STOPWORDS: &[&str] = &[
    // French
    "le",
    "la",
    "les",
    "des",
    "du",
    "et",
    "est",
    "une",
    "un",
    "vous",
    "votre",
    "vos",
    "nous",
    "pour",
    "dans",
    "que",
    "qui",
    "pas",
    "ne",
    "au",
    "aux",
    "sur",
    "avec",
    "je",
    "tu",
    "il",
    "elle",
    "ce",
    "cette",
    "ces",
    "mais",
    "ou",
    "où",
    "sont",
    "être",
    "avez",
    "êtes",
    "leur",
    "plus",
    "très",
    "faire",
    "comme",
    "aussi",
    "s'il",
    "c'est",
    "d'un",
    "d'une",
    "l'utilisateur",
    "réponse",
    // Spanish
    "el",
    "los",
    "las",
    "y",
    "es",
    "del",
    "una",
    "por",
    "para",
    "con",
    "su",
    "sus",
    "al",
    "lo",
    "como",
    "más",
    "pero",
    "usted",
    "yo",
    "tú",
    "muy",
    "está",
    "son",
    "tiene",
    "puede",
    "debe",
    "si",
    "sin",
    "sobre",
    "también",
    "cuando",
    "esta",
    "este",
    "respuesta",
    // German
    "der",
    "die",
    "das",
    "und",
    "ist",
    "nicht",
    "ein",
    "eine",
    "ich",
    "du",
    "sie",
    "es",
    "mit",
    "auf",
    "für",
    "den",
    "dem",
    "zu",
    "von",
    "sich",
    "des",
    "im",
    "auch",
    "oder",
    "bitte",
    "wie",
    "sind",
    "wenn",
    "werden",
    "wird",
    "kann",
    "soll",
    "sollst",
    "deine",
    "dein",
    "ihre",
    "einen",
    "einem",
    "einer",
    "nur",
    "immer",
    "antwort",
    "antworte",
    // Italian and Portuguese
    "il",
    "gli",
    "di",
    "che",
    "è",
    "per",
    "non",
    "sono",
    "mi",
    "ti",
    "della",
    "delle",
    "nel",
    "questo",
    "essere",
    "o",
    "os",
    "um",
    "uma",
    "é",
    "não",
    "com",
    "da",
    "em",
    "você",
    "seu",
    "sua",
    "mais",
    "ser",
    "muito",
    // Dutch
    "het",
    "een",
    "van",
    "zijn",
    "niet",
    "je",
    "jij",
    "wat",
    "voor",
    "ook",
    "maar",
    "bij",
];

/// Every stopword: `true` for English, `false` for the others.
fn stopwords() -> &'static HashMap<&'static str, bool> {
    static WORDS: OnceLock<HashMap<&'static str, bool>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut m: HashMap<&'static str, bool> =
            OTHER_STOPWORDS.iter().map(|w| (*w, false)).collect();
        m.extend(ENGLISH_STOPWORDS.iter().map(|w| (*w, true)));
        m
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn protected(text: &str) -> Vec<&str> {
        let doc = segment(text);
        let mut out = Vec::new();
        for b in &doc.blocks {
            match b.kind {
                Kind::Prose => {
                    for &(s, e) in &b.spans {
                        out.push(&text[s..e]);
                    }
                }
                _ => out.push(&text[b.start..b.end]),
            }
        }
        out
    }

    #[test]
    fn finds_inline_spans() {
        let t = "Use `x = 1` and see https://a.b/c?d=1. Mail me@x.org, wait 5 GB or 10%. Say \"hi there\" and 'yo' to {name} {{var}} ${x} <var> [ITEM] foo_bar.";
        assert_eq!(
            protected(t),
            vec![
                "`x = 1`",
                "https://a.b/c?d=1",
                "me@x.org",
                "5 GB",
                "10%",
                "\"hi there\"",
                "'yo'",
                "{name}",
                "{{var}}",
                "${x}",
                "<var>",
                "[ITEM]",
                "foo_bar"
            ]
        );
    }

    #[test]
    fn finds_blocks() {
        let t = "Intro line.\n```py\nx = 1\n\ny\n```\nReturn:\n{\n  \"a\": [1, 2]\n}\n<a>\n  <b>t</b>\n</a>\nname: x\nage: 3\n| a | b |\n\nlast";
        let doc = segment(t);
        let kinds: Vec<Kind> = doc.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Kind::Prose,
                Kind::Code,
                Kind::Prose,
                Kind::Structured,
                Kind::Structured,
                Kind::Structured,
                Kind::Structured,
                Kind::Prose
            ]
        );
    }

    #[test]
    fn tells_languages_apart() {
        let t = "You are a helpful assistant and you should answer the questions of the user.\n\nVous êtes un assistant utile et vous devez répondre aux questions de l'utilisateur.\n\nDu bist ein hilfreicher Assistent und sollst die Fragen des Nutzers beantworten.\n\n你是一个有用的助手。";
        let doc = segment(t);
        let en: Vec<bool> = doc.blocks.iter().map(|b| b.english).collect();
        assert_eq!(en, vec![true, false, false, false]);
    }
}
