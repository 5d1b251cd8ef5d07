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
//!
//! The block scan is in `blocks`, the inline spans in `inline`, the
//! language test in `language`; the word lists they read (units, stopwords)
//! are in `data/compress/`, loaded by `words`.

mod blocks;
mod inline;
mod language;
mod words;

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

/// Segments `text` into blocks and protected spans.
pub(crate) fn segment(text: &str) -> Doc {
    let lines = split_lines(text);
    let (mut blocks, margin) = blocks::blocks(text, &lines);
    for block in blocks.iter_mut().filter(|b| b.kind == Kind::Prose) {
        block.spans = inline::inline_spans(text, block.start, block.end);
    }
    language::tag(text, &mut blocks);
    Doc {
        lines,
        blocks,
        margin,
    }
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
    fn list_markers() {
        assert_eq!(list_marker("- a"), Some(2));
        assert_eq!(list_marker("  12. a"), Some(6));
        assert_eq!(list_marker("-a"), None);
        assert_eq!(list_marker("1999 was"), None);
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
