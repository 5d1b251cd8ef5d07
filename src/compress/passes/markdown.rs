//! The aggressive Markdown pass: horizontal rules, heading hashes and
//! paired emphasis markers are removed from English prose.

use crate::compress::segment::{Block, Doc, Kind};

use super::{block_group, slice, Edit, Group};

fn is_rule_line(s: &str) -> bool {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    t.len() >= 3
        && ['-', '*', '_', '=']
            .iter()
            .any(|&m| t.chars().all(|c| c == m))
}

/// Removes the line `li` of `block` with one of its line breaks.
fn remove_line(text: &str, doc: &Doc, block: &Block, li: usize) -> Option<Edit> {
    let line = doc.line(li);
    if li > block.first_line {
        let prev = doc.line(li - 1);
        return Some(Edit {
            start: prev.end,
            end: line.end,
            with: String::new(),
        });
    }
    if li < block.last_line {
        let next = doc.line(li + 1);
        return Some(Edit {
            start: line.start,
            end: next.start,
            with: String::new(),
        });
    }
    let _ = text;
    None
}

pub(super) fn markdown(text: &str, doc: &Doc) -> Vec<Group> {
    let mut groups = Vec::new();
    let mut prev_end: Option<usize> = None;
    for block in &doc.blocks {
        let gap_start = prev_end;
        prev_end = Some(block.end);
        if block.kind != Kind::Prose || !block.english {
            continue;
        }
        let mut edits: Vec<Edit> = Vec::new();
        for li in block.first_line..=block.last_line {
            let line = doc.line(li);
            let s = slice(text, line.start, line.end);
            if is_rule_line(s) && block.editable(line.start, line.end) {
                if block.first_line == block.last_line {
                    // A paragraph that is only a rule goes with the gap before it.
                    let start = gap_start.unwrap_or(block.start);
                    groups.push(Group {
                        start,
                        end: block.end,
                        edits: vec![Edit {
                            start,
                            end: block.end,
                            with: String::new(),
                        }],
                    });
                    break;
                }
                if let Some(e) = remove_line(text, doc, block, li) {
                    if block.editable(e.start, e.end) {
                        edits.push(e);
                    }
                }
                continue;
            }
            heading_marks(block, line.start, s, &mut edits);
            emphasis(text, block, line.start, line.end, &mut edits);
        }
        edits.sort_by_key(|e| (e.start, e.end));
        edits.dedup_by(|b, a| b.start < a.end);
        if let Some(g) = block_group(block, edits) {
            groups.push(g);
        }
    }
    groups
}

/// The opening hashes of a heading line `s` (at `line_start`), with the
/// spaces after them, and its closing hashes.
fn heading_marks(block: &Block, line_start: usize, s: &str, edits: &mut Vec<Edit>) {
    let indent = s.len() - s.trim_start_matches(' ').len();
    let t = s.get(indent..).unwrap_or("");
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if indent > 3 || !(1..=6).contains(&hashes) {
        return;
    }
    let after = t.get(hashes..).unwrap_or("");
    let sp = after.len() - after.trim_start_matches([' ', '\t']).len();
    if sp == 0 || after.trim().is_empty() {
        return;
    }
    let (a, z) = (line_start + indent, line_start + indent + hashes + sp);
    if block.editable(a, z) {
        edits.push(Edit {
            start: a,
            end: z,
            with: String::new(),
        });
    }
    // Closing hashes.
    let body = after.trim_end();
    let closing = body.len() - body.trim_end_matches('#').len();
    let before_closing = body.get(..body.len() - closing).unwrap_or("");
    if closing > 0 && before_closing.ends_with([' ', '\t']) && !before_closing.trim().is_empty() {
        let cut = before_closing.len() - before_closing.trim_end().len();
        let za = line_start + indent + hashes + before_closing.len() - cut;
        let zz = line_start + indent + hashes + body.len();
        if za > z && block.editable(za, zz) {
            edits.push(Edit {
                start: za,
                end: zz,
                with: String::new(),
            });
        }
    }
}

/// Paired `*`, `**`, `***`, `_`, `__` emphasis markers on one line.
fn emphasis(text: &str, block: &Block, start: usize, end: usize, edits: &mut Vec<Edit>) {
    let s = slice(text, start, end);
    let b = s.as_bytes();
    let mut open: Vec<(u8, usize, usize)> = Vec::new(); // (char, run, at)
    let mut i = 0;
    while i < b.len() {
        let c = *b.get(i).unwrap_or(&0);
        if c != b'*' && c != b'_' {
            i += 1;
            continue;
        }
        let run = b
            .get(i..)
            .map_or(0, |r| r.iter().take_while(|&&x| x == c).count());
        let prev = s.get(..i).and_then(|r| r.chars().next_back());
        let next = s.get(i + run..).and_then(|r| r.chars().next());
        let editable = block.editable(start + i, start + i + run);
        if run <= 3 && editable {
            let can_close = prev.is_some_and(|p| !p.is_whitespace())
                && !next.is_some_and(char::is_alphanumeric);
            let can_open = next.is_some_and(|n| !n.is_whitespace())
                && !prev.is_some_and(char::is_alphanumeric);
            if can_close {
                if let Some(pos) = open
                    .iter()
                    .rposition(|&(oc, orun, _)| oc == c && orun == run)
                {
                    if let Some(&(_, _, at)) = open.get(pos) {
                        edits.push(Edit {
                            start: start + at,
                            end: start + at + run,
                            with: String::new(),
                        });
                        edits.push(Edit {
                            start: start + i,
                            end: start + i + run,
                            with: String::new(),
                        });
                        open.truncate(pos);
                        i += run;
                        continue;
                    }
                }
            }
            if can_open {
                open.push((c, run, i));
            }
        }
        i += run;
    }
}
