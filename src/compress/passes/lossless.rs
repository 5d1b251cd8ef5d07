//! The lossless passes: space look-alikes and curly quotes (opt-in) made
//! plain, trailing and repeated whitespace, blank lines, the indentation of
//! prose, and repeated lines and paragraphs.

use std::collections::HashSet;

use super::{block_group, prose, slice, Edit, Group};
use crate::compress::segment::{codey, indent_len, indent_within, list_marker, Block, Doc, Kind};

/// Spaces that look like a space and mean one.
fn is_space_lookalike(c: char) -> bool {
    matches!(
        c,
        '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{1680}'
    )
}

pub(super) fn unicode_spaces(run: &str, offset: usize, edits: &mut Vec<Edit>) {
    for (i, c) in run.char_indices() {
        if is_space_lookalike(c) {
            edits.push(Edit {
                start: offset + i,
                end: offset + i + c.len_utf8(),
                with: " ".to_string(),
            });
        }
    }
}

pub(super) fn quotes(run: &str, offset: usize, edits: &mut Vec<Edit>) {
    for (i, c) in run.char_indices() {
        let with = match c {
            '‘' | '’' => "'",
            '“' | '”' => "\"",
            _ => continue,
        };
        edits.push(Edit {
            start: offset + i,
            end: offset + i + c.len_utf8(),
            with: with.to_string(),
        });
    }
}

/// Trailing whitespace, runs of spaces inside lines, and blank lines.
pub(super) fn whitespace(text: &str, doc: &Doc) -> Vec<Group> {
    let mut groups = Vec::new();
    let mut gap_start = 0;
    for (bi, block) in doc.blocks.iter().enumerate() {
        if let Some(g) = gap(text, gap_start, block.start, bi == 0, false) {
            groups.push(g);
        }
        gap_start = block.end;
        if block.kind != Kind::Prose {
            continue;
        }
        let mut edits = Vec::new();
        for li in block.first_line..=block.last_line {
            let line = doc.line(li);
            let s = slice(text, line.start, line.end);
            let body = s.trim_end();
            let trailing = s.len() - body.len();
            if trailing > 0 && !body.is_empty() && block.editable(line.start + body.len(), line.end)
            {
                edits.push(Edit {
                    start: line.start + body.len(),
                    end: line.end,
                    with: String::new(),
                });
            }
            // Runs of two or more spaces after the indentation.
            let lead = indent_len(body);
            let bytes = body.as_bytes();
            let mut i = lead;
            while i < bytes.len() {
                if bytes.get(i) == Some(&b' ') {
                    let run = bytes
                        .get(i..)
                        .map_or(0, |r| r.iter().take_while(|&&b| b == b' ').count());
                    if run >= 2 && block.editable(line.start + i, line.start + i + run) {
                        edits.push(Edit {
                            start: line.start + i + 1,
                            end: line.start + i + run,
                            with: String::new(),
                        });
                    }
                    i += run;
                } else {
                    i += 1;
                }
            }
        }
        if let Some(g) = block_group(block, edits) {
            groups.push(g);
        }
    }
    let last = doc.blocks.is_empty();
    if let Some(g) = gap(text, gap_start, text.len(), last, true) {
        groups.push(g);
    }
    groups
}

/// The blank lines between two blocks: one blank line at most, none at the
/// start or end of the text.
fn gap(text: &str, start: usize, end: usize, at_start: bool, at_end: bool) -> Option<Group> {
    let s = slice(text, start, end);
    let newline = if s.contains("\r\n") { "\r\n" } else { "\n" };
    let want = if at_start || at_end {
        String::new()
    } else if s.matches('\n').count() >= 2 {
        newline.repeat(2)
    } else {
        newline.to_string()
    };
    (s != want).then(|| Group {
        start,
        end,
        edits: vec![Edit {
            start,
            end,
            with: want,
        }],
    })
}

/// Indentation of prose: removed from paragraphs of plain prose, reduced to
/// the common indentation in paragraphs with lists; paragraphs that look
/// like code keep it.
pub(super) fn indentation(text: &str, doc: &Doc) -> Vec<Group> {
    prose(doc, false)
        .filter_map(|block| {
            let lines: Vec<&str> = (block.first_line..=block.last_line)
                .map(|i| {
                    let l = doc.line(i);
                    slice(text, l.start, l.end)
                })
                .collect();
            // Paragraphs that look like code lose only the document's
            // margin, which keeps them short of indented code (four columns
            // past the margin) once the prose around them is unindented.
            let code = lines.iter().any(|l| codey(l));
            let has_list = lines.iter().any(|l| list_marker(l).is_some());
            let common = if has_list {
                let mut prefix: Option<&str> = None;
                for l in &lines {
                    let ind = l.get(..indent_len(l)).unwrap_or("");
                    prefix = Some(match prefix {
                        None => ind,
                        Some(p) => {
                            let n = p
                                .bytes()
                                .zip(ind.bytes())
                                .take_while(|(a, b)| a == b)
                                .count();
                            p.get(..n).unwrap_or("")
                        }
                    });
                }
                prefix.map_or(0, str::len)
            } else {
                usize::MAX
            };
            let mut edits = Vec::new();
            for (k, l) in lines.iter().enumerate() {
                let cut = if code {
                    indent_within(l, doc.margin)
                } else {
                    indent_len(l).min(common)
                };
                let start = doc.line(block.first_line + k).start;
                if cut > 0 && block.editable(start, start + cut) {
                    edits.push(Edit {
                        start,
                        end: start + cut,
                        with: String::new(),
                    });
                }
            }
            block_group(block, edits)
        })
        .collect()
}

/// Exact duplicate lines (one after the other) and paragraphs of plain
/// English prose.
pub(super) fn duplicates(text: &str, doc: &Doc) -> Vec<Group> {
    let mut groups = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut prev: Option<&Block> = None;
    for block in &doc.blocks {
        let body = slice(text, block.start, block.end);
        let plain = block.kind == Kind::Prose
            && block.english
            && block.spans.is_empty()
            && body.chars().any(char::is_alphabetic);
        if plain {
            let consecutive = prev.is_some_and(|p| slice(text, p.start, p.end) == body);
            let long = body.split_whitespace().count() >= 5;
            if let (Some(p), true) = (prev, consecutive || (long && seen.contains(body))) {
                groups.push(Group {
                    start: p.end,
                    end: block.end,
                    edits: vec![Edit {
                        start: p.end,
                        end: block.end,
                        with: String::new(),
                    }],
                });
                prev = Some(block);
                continue;
            }
            seen.insert(body);
        }
        prev = Some(block);
        if block.kind != Kind::Prose || !block.english {
            continue;
        }
        let mut edits = Vec::new();
        for li in block.first_line + 1..=block.last_line {
            let (a, b) = (doc.line(li - 1), doc.line(li));
            let (sa, sb) = (slice(text, a.start, a.end), slice(text, b.start, b.end));
            if sa == sb
                && sb.chars().any(char::is_alphabetic)
                && block.editable(a.start, a.end)
                && block.editable(a.end, b.end)
            {
                edits.push(Edit {
                    start: a.end,
                    end: b.end,
                    with: String::new(),
                });
            }
        }
        if let Some(g) = block_group(block, edits) {
            groups.push(g);
        }
    }
    groups
}
