//! Tables padded for the eye: Markdown pipe tables with cells padded to a
//! column's width and long delimiter rows, and plain-text tables whose
//! columns are aligned with runs of spaces (`docker ps`, `kubectl get`,
//! `df`). The cells are kept, the padding goes.
//!
//! Only whole blocks of consecutive lines that start at the margin are
//! read as tables, and a plain-text table's header has no colon: indented
//! or `key: value` text (TOON among it) is never taken for one.

/// The text with every table re-rendered in whichever of two forms
/// `count` finds fewer tokens in; `None` if no table changed.
pub fn compact_tables(text: &str, count: &dyn Fn(&str) -> usize) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut changed = false;
    let mut i = 0;
    while i < lines.len() {
        let end = block_end(&lines, i);
        let block = lines.get(i..end).unwrap_or(&[]);
        let rendered = pipe_table(block).or_else(|| aligned_table(block));
        match rendered {
            Some(forms) => {
                let old = block.join("\n");
                let best = forms
                    .into_iter()
                    .map(|f| (count(&f), f))
                    .min_by_key(|(n, _)| *n);
                match best {
                    Some((n, f)) if f != old && n < count(&old) => {
                        out.push(f);
                        changed = true;
                    }
                    _ => out.push(old),
                }
                i = end;
            }
            None => {
                out.extend(block.iter().map(|l| l.to_string()));
                i = end.max(i + 1);
            }
        }
    }
    changed.then(|| out.join("\n"))
}

/// The end of the run of non-blank lines at `i` (or `i + 1` for a blank).
fn block_end(lines: &[&str], i: usize) -> usize {
    let mut j = i;
    while lines.get(j).is_some_and(|l| !l.trim().is_empty()) {
        j += 1;
    }
    j.max(i + 1)
}

/// A Markdown pipe table: every line starts with `|`, the second is the
/// delimiter row. Returns its two compact forms: `| a | b |` and `|a|b|`.
fn pipe_table(block: &[&str]) -> Option<Vec<String>> {
    if block.len() < 2 || !block.iter().all(|l| l.starts_with('|')) {
        return None;
    }
    let rows: Vec<Vec<String>> = block.iter().map(|l| split_pipes(l)).collect();
    let delim = rows.get(1)?;
    if delim.is_empty() || !delim.iter().all(|c| is_delimiter_cell(c)) {
        return None;
    }
    let render = |sep_space: bool| -> String {
        let mut lines = Vec::with_capacity(rows.len());
        for (r, cells) in rows.iter().enumerate() {
            let cells: Vec<String> = if r == 1 {
                cells.iter().map(|c| short_delimiter(c)).collect()
            } else {
                cells.clone()
            };
            lines.push(if sep_space {
                format!("| {} |", cells.join(" | "))
            } else {
                format!("|{}|", cells.join("|"))
            });
        }
        lines.join("\n")
    };
    Some(vec![render(true), render(false)])
}

/// The trimmed cells of a pipe-table line, `\|` staying inside a cell.
fn split_pipes(line: &str) -> Vec<String> {
    let inner = line.trim().strip_prefix('|').unwrap_or(line);
    let inner = match inner.strip_suffix('|') {
        Some(s) if !s.ends_with('\\') => s,
        _ => inner,
    };
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut escaped = false;
    for c in inner.chars() {
        if c == '|' && !escaped {
            cells.push(cell.trim().to_string());
            cell.clear();
        } else {
            cell.push(c);
        }
        escaped = c == '\\' && !escaped;
    }
    cells.push(cell.trim().to_string());
    cells
}

fn is_delimiter_cell(c: &str) -> bool {
    let core = c.strip_prefix(':').unwrap_or(c);
    let core = core.strip_suffix(':').unwrap_or(core);
    !core.is_empty() && core.bytes().all(|b| b == b'-')
}

fn short_delimiter(c: &str) -> String {
    let left = if c.starts_with(':') { ":" } else { "" };
    let right = if c.len() > 1 && c.ends_with(':') {
        ":"
    } else {
        ""
    };
    format!("{left}-{right}")
}

/// A plain-text table of at least three lines: the header's columns start
/// after runs of two or more spaces, and every line breaks (a space before)
/// at each of those columns. Returns it with tabs and with ` | ` between
/// cells, each only if no cell holds that separator. Columns are counted in
/// characters, as a terminal aligns them.
pub(super) fn aligned_table(block: &[&str]) -> Option<Vec<String>> {
    let header = block.first()?;
    if block.len() < 3
        || header.contains(':')
        || block
            .iter()
            .any(|l| l.starts_with(char::is_whitespace) || l.contains('\t'))
    {
        return None;
    }
    let starts = column_starts(header);
    if starts.len() < 2 {
        return None;
    }
    let mut rows = Vec::with_capacity(block.len());
    let mut padded = false;
    for line in block {
        let chars: Vec<char> = line.chars().collect();
        let mut cells = Vec::with_capacity(starts.len());
        for (k, &s) in starts.iter().enumerate() {
            let e = starts
                .get(k + 1)
                .copied()
                .unwrap_or(usize::MAX)
                .min(chars.len());
            if s > 0 && chars.get(s - 1).is_some_and(|&x| x != ' ') {
                return None;
            }
            padded |= s > 1 && chars.get(s - 2) == Some(&' ');
            let cell: String = chars.get(s.min(e)..e).unwrap_or(&[]).iter().collect();
            cells.push(cell.trim().to_string());
        }
        if cells.iter().filter(|c| !c.is_empty()).count() < 2 {
            return None;
        }
        rows.push(cells);
    }
    if !padded {
        return None;
    }
    let forms = [("\t", '\t'), (" | ", '|')]
        .into_iter()
        .filter(|(_, mark)| !rows.iter().flatten().any(|c| c.contains(*mark)))
        .map(|(sep, _)| {
            rows.iter()
                .map(|r| r.join(sep))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>();
    (!forms.is_empty()).then_some(forms)
}

/// Character offsets where a header cell starts: 0, and after each run of
/// two or more spaces.
fn column_starts(header: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let mut spaces = 0;
    for (i, x) in header.chars().enumerate() {
        if x == ' ' {
            spaces += 1;
        } else {
            if spaces >= 2 && i > 0 {
                starts.push(i);
            }
            spaces = 0;
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(s: &str) -> usize {
        s.len()
    }

    #[test]
    fn pipe_and_aligned_tables() {
        let md = "| Name      | Size |\n|:----------|-----:|\n| a \\| b    | 1    |";
        assert_eq!(
            compact_tables(md, &bytes).unwrap(),
            "|Name|Size|\n|:-|-:|\n|a \\| b|1|"
        );
        let plain = "NAME      STATUS    AGE\nweb-1     Running   2d\ndb-0      Pending   5m";
        assert_eq!(
            compact_tables(plain, &bytes).unwrap(),
            "NAME\tSTATUS\tAGE\nweb-1\tRunning\t2d\ndb-0\tPending\t5m"
        );
        assert!(compact_tables("key: a  b\nk: c  d\nx: e  f", &bytes).is_none());
        assert!(compact_tables("just  some\ntext  here", &bytes).is_none());
    }
}
