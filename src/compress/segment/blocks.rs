//! Blocks of whole lines: fenced and indented code, structured blocks (JSON,
//! XML, YAML, Markdown tables) and prose paragraphs. Fenced code is found
//! first, since it hides everything inside it from the rest; then one pass
//! over the lines sorts them into blocks; then blocks that a multi-line code
//! span runs across are joined.

use std::collections::HashMap;

use super::{codey, indent_cols, indent_len, is_blank, list_marker, slice, Block, Kind, Line};

/// Blocks of whole lines, in order, and the margin (in columns) that
/// indented code is measured from.
pub(super) fn blocks(text: &str, lines: &[Line]) -> (Vec<Block>, usize) {
    let fences = fenced_code(text, lines);
    let scan = Scan {
        text,
        lines,
        json_end: bracket_blocks(text, lines, &fences.in_code),
        margin: prose_margin(text, lines, &fences.in_code),
        fences,
    };
    let blocks = scan.blocks();
    let spans = multiline_code_spans(text, lines, &scan.fences.in_code);
    (join_across_code_spans(blocks, &spans), scan.margin)
}

fn line_str<'t>(text: &'t str, lines: &[Line], i: usize) -> &'t str {
    lines.get(i).map_or("", |l| slice(text, l.start, l.end))
}

/// Fenced code: which lines it covers, and for each line that opens it, the
/// line where it ends.
struct Fences {
    in_code: Vec<bool>,
    code_end: Vec<Option<usize>>,
}

fn fenced_code(text: &str, lines: &[Line]) -> Fences {
    let line_str = |i: usize| line_str(text, lines, i);
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
    Fences { in_code, code_end }
}

/// Indented code is four columns past the margin the document's prose
/// shares, taken from its lines after the first as Python's
/// inspect.cleandoc does: a prompt pasted from an indented triple-quoted
/// string, whose first line sits right after the quotes, is then read as
/// the Markdown it is. Lines that look like code do not set the margin,
/// so "Example:" over indented code keeps the code.
fn prose_margin(text: &str, lines: &[Line], in_code: &[bool]) -> usize {
    lines
        .iter()
        .zip(in_code)
        .skip(1)
        .map(|(l, &code)| (slice(text, l.start, l.end), code))
        .filter(|&(s, code)| !code && !is_blank(s) && !codey(s))
        .map(|(s, _)| indent_cols(s))
        .min()
        .unwrap_or_else(|| indent_cols(line_str(text, lines, 0)))
}

/// The one pass over the lines that sorts them into blocks.
struct Scan<'t> {
    text: &'t str,
    lines: &'t [Line],
    fences: Fences,
    /// For each line that opens a bracket, the line that closes it.
    json_end: Vec<Option<usize>>,
    margin: usize,
}

impl Scan<'_> {
    fn line(&self, i: usize) -> &str {
        line_str(self.text, self.lines, i)
    }

    fn blocks(&self) -> Vec<Block> {
        let mut blocks: Vec<Block> = Vec::new();
        // The content column of the list being read: inside a list item,
        // indentation up to that column continues the item, not code.
        let mut list_col: Option<usize> = None;
        let mut prose_start: Option<usize> = None;
        let mut i = 0;
        while i < self.lines.len() {
            let s = self.line(i);
            // Indented code cannot interrupt a paragraph (CommonMark), but it
            // may follow a heading.
            let opens_block = prose_start.is_none()
                || i.checked_sub(1)
                    .is_some_and(|p| is_atx_heading(self.line(p)));
            if opens_block && !is_blank(s) && list_marker(s).is_none() {
                list_col = list_col.filter(|&c| indent_cols(s) >= c);
            }
            match self.block_at(i, s, opens_block, list_col) {
                Some((kind, last)) => {
                    if let Some(p) = prose_start.take() {
                        self.push(Kind::Prose, p, i - 1, &mut blocks);
                    }
                    self.push(kind, i, last, &mut blocks);
                    i = last + 1;
                }
                None if is_blank(s) => {
                    if let Some(p) = prose_start.take() {
                        self.push(Kind::Prose, p, i - 1, &mut blocks);
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
            self.push(Kind::Prose, p, self.lines.len() - 1, &mut blocks);
        }
        blocks
    }

    /// The code or structured block that starts at line `i` (whose text is
    /// `s`): its kind and last line.
    fn block_at(
        &self,
        i: usize,
        s: &str,
        opens_block: bool,
        list_col: Option<usize>,
    ) -> Option<(Kind, usize)> {
        if let Some(Some(last)) = self.fences.code_end.get(i) {
            Some((Kind::Code, *last))
        } else if is_blank(s) {
            None
        } else if let Some(Some(last)) = self.json_end.get(i) {
            Some((Kind::Structured, *last))
        } else if is_xml_line(s) {
            Some((Kind::Structured, self.run_of(i, is_xml_line)))
        } else if is_table_line(s) {
            Some((Kind::Structured, self.run_of(i, is_table_line)))
        } else if let Some(end) = yaml_block(self.text, self.lines, i) {
            Some((Kind::Structured, end - 1))
        } else if opens_block {
            self.indented_code(i, list_col)
                .map(|last| (Kind::Code, last))
        } else {
            None
        }
    }

    /// The last line of the run of lines from `i` that `is` accepts.
    fn run_of(&self, i: usize, is: fn(&str) -> bool) -> usize {
        let mut j = i;
        while j + 1 < self.lines.len() && is(self.line(j + 1)) {
            j += 1;
        }
        j
    }

    /// The last line of the indented code that starts at line `i`, if it
    /// does: lines indented four columns past the margin, or past the
    /// content column of the list item being read.
    fn indented_code(&self, i: usize, list_col: Option<usize>) -> Option<usize> {
        let threshold = list_col.unwrap_or(self.margin) + 4;
        if indent_cols(self.line(i)) < threshold {
            return None;
        }
        let in_fence = |j: usize| self.fences.in_code.get(j).copied().unwrap_or(false);
        let (mut last, mut j) = (i, i + 1);
        while j < self.lines.len() && !in_fence(j) {
            let s = self.line(j);
            if !is_blank(s) {
                if indent_cols(s) < threshold {
                    break;
                }
                last = j;
            }
            j += 1;
        }
        Some(last)
    }

    fn push(&self, kind: Kind, first: usize, last: usize, blocks: &mut Vec<Block>) {
        let (Some(a), Some(b)) = (self.lines.get(first), self.lines.get(last)) else {
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
    }
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
pub(super) fn is_info_string(rest: &str) -> bool {
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
