//! The Markdown side of the converter: blocks with their list, quote and
//! heading prefixes, inline code and links, fenced code and pipe tables.

use super::{Converter, Open, Table};

/// The deepest list nesting and quote level written out.
const MAX_INDENT: usize = 8;

impl Converter {
    /// A count that changes whenever the buffer inline markup wraps is
    /// emitted, so that a link or code span cut by a block is left plain.
    fn generation(&self) -> usize {
        self.blocks + self.table.as_ref().map_or(0, |t| t.finished)
    }

    fn target(&mut self) -> &mut String {
        match self.table.as_mut() {
            Some(t) => t.cell.get_or_insert_with(String::new),
            None => &mut self.line,
        }
    }

    /// Where inline markup's text starts: after the space owed before it.
    /// Returns the offset and the generation.
    pub(super) fn inline_start(&mut self) -> (usize, usize) {
        let space = std::mem::take(&mut self.space);
        let target = self.target();
        if space && !target.is_empty() && !target.ends_with('\n') {
            target.push(' ');
        }
        let at = target.len();
        (at, self.generation())
    }

    /// The text written since `start`, if its buffer is still the one it
    /// started in.
    fn since(&mut self, (start, generation): (usize, usize)) -> Option<String> {
        if generation != self.generation() {
            return None;
        }
        let text = self.target().get(start..)?.to_string();
        (!text.trim().is_empty()).then_some(text)
    }

    pub(super) fn close_link(&mut self, open: &Open) {
        let Some((start, href)) = &open.link else {
            return;
        };
        let Some(text) = self.since(*start) else {
            return;
        };
        if text.trim() == href.as_str() || text.contains(['[', ']', '\n']) {
            return;
        }
        let href = if href.contains([' ', '(', ')']) {
            format!("<{href}>")
        } else {
            href.clone()
        };
        let target = self.target();
        target.truncate(start.0);
        target.push_str(&format!("[{}]({href})", text.trim_end()));
    }

    pub(super) fn close_code(&mut self, open: &Open) {
        let Some(start) = open.code else {
            return;
        };
        let Some(text) = self.since(start) else {
            return;
        };
        let fence = "`".repeat(longest_run(&text, '`') + 1);
        let pad = if text.starts_with('`') || text.ends_with('`') {
            " "
        } else {
            ""
        };
        let target = self.target();
        target.truncate(start.0);
        target.push_str(&format!("{fence}{pad}{text}{pad}{fence}"));
    }

    pub(super) fn close_pre(&mut self) {
        let Some((lang, code)) = self.pre.take() else {
            return;
        };
        let code = code.strip_prefix('\n').unwrap_or(&code).trim_end();
        if code.trim().is_empty() {
            return;
        }
        let fence = "`".repeat(longest_run(code, '`').max(2) + 1);
        self.emit_block(&format!("{fence}{lang}\n{code}\n{fence}"), false);
    }

    pub(super) fn emit_table(&mut self, mut t: Table) {
        super::finish_cell(&mut t);
        let rows: Vec<Vec<String>> = t.rows.into_iter().filter(|r| !r.is_empty()).collect();
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        if width < 2 {
            // A layout table of one column: its cells are paragraphs.
            for cell in rows.into_iter().flatten().filter(|c| !c.is_empty()) {
                self.emit_block(&cell, false);
            }
            return;
        }
        let mut lines = Vec::with_capacity(rows.len() + 1);
        for (i, row) in rows.iter().enumerate() {
            let mut cells = row.clone();
            cells.resize(width, String::new());
            lines.push(format!("| {} |", cells.join(" | ")));
            if i == 0 {
                lines.push(format!("|{}|", vec!["-"; width].join("|")));
            }
        }
        self.emit_block(&lines.join("\n"), false);
    }

    /// Ends the paragraph (or heading, or list item's text) being written.
    pub(super) fn flush(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.space = false;
        let text = line.trim();
        if text.is_empty() {
            return;
        }
        let text = match self.heading {
            Some(n) => format!("{} {}", "#".repeat(n.clamp(1, 6)), text.replace('\n', " ")),
            None => text.to_string(),
        };
        self.emit_block(&text, true);
    }

    /// Appends a block, prefixed for the quotes and the list item it is in;
    /// list items follow each other on the next line, other blocks after a
    /// blank line.
    fn emit_block(&mut self, text: &str, may_be_item: bool) {
        let marker = if may_be_item {
            self.marker.take()
        } else {
            None
        };
        // Capped: tag soup can open thousands of lists or quotes, and
        // indenting each line by all of them would grow the output with the
        // square of the input.
        let depth = self.lists.len().saturating_sub(1).min(MAX_INDENT);
        let quote = "> ".repeat(self.quote.min(MAX_INDENT));
        let cont = if self.in_item {
            "  ".repeat(depth + 1)
        } else {
            String::new()
        };
        let mut block = String::with_capacity(text.len() + 8);
        for (i, l) in text.split('\n').enumerate() {
            if i > 0 {
                block.push('\n');
            }
            block.push_str(&quote);
            match (&marker, i) {
                (Some(m), 0) => {
                    block.push_str(&"  ".repeat(depth));
                    block.push_str(m);
                }
                _ => block.push_str(&cont),
            }
            block.push_str(l);
        }
        let is_item = marker.is_some();
        if !self.out.is_empty() {
            self.out.push_str(if is_item && self.last_was_item {
                "\n"
            } else {
                "\n\n"
            });
        }
        self.out.push_str(&block);
        self.last_was_item = is_item;
        self.blocks += 1;
    }

    pub(super) fn finish(mut self) -> String {
        while !self.stack.is_empty() {
            self.pop();
        }
        self.close_pre();
        if let Some(t) = self.table.take() {
            self.emit_table(t);
        }
        self.flush();
        self.out
    }
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for x in text.chars() {
        run = if x == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}
