//! The aggressive list pass: a run of short bullet items is joined on one
//! line, after its lead-in: "Rules:\n- a\n- b" -> "Rules: a; b".

use crate::compress::segment::{indent_len, list_marker, Block, Doc, Line};

use super::{block_group, prose, slice, Edit, Group};

/// Short bullet items joined on one line: "Rules:\n- a\n- b" -> "Rules: a; b".
pub(super) fn lists(text: &str, doc: &Doc) -> Vec<Group> {
    prose(doc, true)
        .filter_map(|block| {
            let mut edits = Vec::new();
            let n = block.last_line + 1;
            let mut li = block.first_line;
            while li < n {
                let Some((indent, c, _)) = bullet(text, doc, li) else {
                    li += 1;
                    continue;
                };
                let mut last = li;
                while last + 1 < n
                    && bullet(text, doc, last + 1)
                        .is_some_and(|(ind, cc, _)| ind == indent && cc == c)
                {
                    last += 1;
                }
                let next_li = last + 1;
                let nested = next_li < n && {
                    let l = doc.line(next_li);
                    indent_len(slice(text, l.start, l.end)) > indent
                };
                if last > li && !nested && all_short(text, doc, li, last) {
                    let list_edits = join_items(text, doc, block, li, last, indent);
                    if list_edits.iter().all(|e| block.editable(e.start, e.end)) {
                        edits.extend(list_edits);
                    }
                }
                li = last + 1;
            }
            block_group(block, edits)
        })
        .collect()
}

/// The bullet item on line `i`: its indentation, its marker character and
/// the marker's length with the spaces after it.
fn bullet(text: &str, doc: &Doc, i: usize) -> Option<(usize, char, usize)> {
    let l = doc.line(i);
    let s = slice(text, l.start, l.end);
    let m = list_marker(s)?;
    let indent = indent_len(s);
    let c = s.get(indent..)?.chars().next()?;
    matches!(c, '-' | '*' | '+' | '•').then_some((indent, c, m))
}

/// The end of the marker of the item on line `i`.
fn marker_end(text: &str, doc: &Doc, i: usize) -> usize {
    doc.line(i).start + bullet(text, doc, i).map_or(0, |x| x.2)
}

/// Whether every item of lines `li..=last` is short: at most eight words and
/// 80 bytes, and not itself a lead-in (ending with a colon).
fn all_short(text: &str, doc: &Doc, li: usize, last: usize) -> bool {
    (li..=last).all(|i| {
        let l = doc.line(i);
        let s = slice(text, l.start, l.end);
        let content = s
            .get(bullet(text, doc, i).map_or(0, |x| x.2)..)
            .unwrap_or("")
            .trim();
        !content.is_empty()
            && content.split_whitespace().count() <= 8
            && content.len() <= 80
            && !content.ends_with(':')
    })
}

/// The edits that join the items of lines `li..=last` (at `indent`) into
/// one line: the first item's marker goes (after a lead-in line ending in
/// a colon, its line break too), each later one becomes "; ".
fn join_items(
    text: &str,
    doc: &Doc,
    block: &Block,
    li: usize,
    last: usize,
    indent: usize,
) -> Vec<Edit> {
    let lead_in = (li > block.first_line)
        .then(|| doc.line(li - 1))
        .filter(|p: &Line| {
            let ps = slice(text, p.start, p.end);
            ps.trim_end().ends_with(':') && list_marker(ps).is_none()
        });
    let first = doc.line(li);
    let mut edits = vec![match lead_in {
        Some(p) => Edit {
            start: p.start + slice(text, p.start, p.end).trim_end().len(),
            end: marker_end(text, doc, li),
            with: " ".to_string(),
        },
        None => Edit {
            start: first.start + indent,
            end: marker_end(text, doc, li),
            with: String::new(),
        },
    }];
    for i in li + 1..=last {
        let p = doc.line(i - 1);
        let ps = slice(text, p.start, p.end).trim_end();
        let cut = usize::from(ps.ends_with(['.', ';', ',']));
        edits.push(Edit {
            start: p.start + ps.len() - cut,
            end: marker_end(text, doc, i),
            with: "; ".to_string(),
        });
    }
    edits
}
