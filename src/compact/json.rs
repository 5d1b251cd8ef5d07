//! JSON read over its source text, so that what is written back is exactly
//! what was read: numbers keep their written form (`1.0`, `1e3`, digits past
//! f64's precision), key order and duplicate keys stay, and strings keep
//! their meaning with the fewest escapes (non-ASCII raw, `\/` as `/`).
//!
//! The parser is iterative over a stack of open containers, so nesting depth
//! costs heap, not the call stack; the tree walks that follow are recursive
//! and bounded by [`MAX_DEPTH`].

use std::borrow::Cow;
use std::fmt;

/// Deeper input is refused: the writers recurse, and a wasm stack is small.
pub const MAX_DEPTH: usize = 256;

/// A JSON value that borrows its numbers and strings from the source.
#[derive(Clone, Debug, PartialEq)]
pub enum Node<'a> {
    Null,
    Bool(bool),
    /// The number's source text, valid per RFC 8259.
    Number(&'a str),
    String(JsonStr<'a>),
    Array(Vec<Node<'a>>),
    /// Members in source order, duplicates kept.
    Object(Vec<(JsonStr<'a>, Node<'a>)>),
}

/// A string as JSON escapes it, without its quotes: kept escaped because a
/// lone surrogate (`"\ud800"`) is valid JSON but not a Rust string.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct JsonStr<'a>(Cow<'a, str>);

/// Where and why the input is not JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line and column (in characters) of the offending character.
    pub line: usize,
    pub column: usize,
    pub reason: &'static str,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.reason, self.line, self.column
        )
    }
}

impl<'a> JsonStr<'a> {
    /// A string from Rust text, escaped as the minifier writes it.
    pub fn from_text(text: &str) -> JsonStr<'static> {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            push_escaped(&mut out, c);
        }
        JsonStr(Cow::Owned(out))
    }

    /// The escaped form (no quotes).
    pub fn raw(&self) -> &str {
        &self.0
    }

    /// The text, or `None` if it holds a lone surrogate.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        if !self.0.contains('\\') {
            return Some(Cow::Borrowed(&self.0));
        }
        let mut out = String::with_capacity(self.0.len());
        for piece in unescape(&self.0) {
            match piece {
                Piece::Char(c) => out.push(c),
                Piece::Lone(_) => return None,
            }
        }
        Some(Cow::Owned(out))
    }

    /// Writes the string, quoted, with the fewest escapes JSON allows.
    pub fn write_min(&self, out: &mut String) {
        out.push('"');
        if self.0.contains('\\') {
            for piece in unescape(&self.0) {
                match piece {
                    Piece::Char(c) => push_escaped(out, c),
                    Piece::Lone(raw) => out.push_str(raw),
                }
            }
        } else {
            out.push_str(&self.0);
        }
        out.push('"');
    }
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push(c),
    }
}

enum Piece<'s> {
    Char(char),
    /// A lone surrogate's escape, as written.
    Lone(&'s str),
}

/// The characters of an escaped string whose escapes the parser checked.
fn unescape(raw: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let mut chars = rest.chars();
        let c = chars.next()?;
        if c != '\\' {
            rest = chars.as_str();
            return Some(Piece::Char(c));
        }
        let e = chars.next()?;
        let simple = match e {
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'u' => None,
            other => Some(other),
        };
        if let Some(c) = simple {
            rest = chars.as_str();
            return Some(Piece::Char(c));
        }
        let hi = hex4(rest.get(2..6)?)?;
        if (0xD800..0xDC00).contains(&hi) {
            let lo = rest
                .get(6..8)
                .filter(|s| *s == "\\u")
                .and_then(|_| hex4(rest.get(8..12)?))
                .filter(|lo| (0xDC00..0xE000).contains(lo));
            if let Some(lo) = lo {
                let c = char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?;
                rest = rest.get(12..)?;
                return Some(Piece::Char(c));
            }
        }
        let piece = match char::from_u32(hi) {
            Some(c) => Piece::Char(c),
            None => Piece::Lone(rest.get(..6)?),
        };
        rest = rest.get(6..)?;
        Some(piece)
    })
}

fn hex4(s: &str) -> Option<u32> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// Parses a whole JSON text (surrounding whitespace allowed).
pub fn parse(src: &str) -> Result<Node<'_>, SyntaxError> {
    Parser { src, at: 0 }.document()
}

/// A container being read: its members so far, and the key awaiting a value.
enum Open<'a> {
    Array(Vec<Node<'a>>),
    Object(Vec<(JsonStr<'a>, Node<'a>)>, Option<JsonStr<'a>>),
}

struct Parser<'a> {
    src: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, reason: &'static str) -> SyntaxError {
        let before = self.src.get(..self.at).unwrap_or(self.src);
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |p| p + 1);
        let column = before.get(line_start..).map_or(0, |l| l.chars().count()) + 1;
        SyntaxError {
            line,
            column,
            reason,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn document(mut self) -> Result<Node<'a>, SyntaxError> {
        let mut stack: Vec<Open<'a>> = Vec::new();
        loop {
            self.skip_ws();
            let value = match self.peek() {
                Some(b'[') => {
                    self.at += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.at += 1;
                        Node::Array(Vec::new())
                    } else {
                        stack.push(Open::Array(Vec::new()));
                        self.depth_check(stack.len())?;
                        continue;
                    }
                }
                Some(b'{') => {
                    self.at += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.at += 1;
                        Node::Object(Vec::new())
                    } else {
                        let key = self.key()?;
                        stack.push(Open::Object(Vec::new(), Some(key)));
                        self.depth_check(stack.len())?;
                        continue;
                    }
                }
                _ => self.scalar()?,
            };
            match self.close(&mut stack, value)? {
                Some(done) => return Ok(done),
                None => continue,
            }
        }
    }

    fn depth_check(&self, depth: usize) -> Result<(), SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested deeper than 256 levels"));
        }
        Ok(())
    }

    /// Adds a finished value to the container on top and reads what follows
    /// it; closes containers as long as their closing bracket comes. Returns
    /// the root once it is finished.
    fn close(
        &mut self,
        stack: &mut Vec<Open<'a>>,
        mut value: Node<'a>,
    ) -> Result<Option<Node<'a>>, SyntaxError> {
        loop {
            self.skip_ws();
            let Some(top) = stack.last_mut() else {
                return if self.at == self.src.len() {
                    Ok(Some(value))
                } else {
                    Err(self.error("unexpected text after the JSON value"))
                };
            };
            let next = self.peek();
            self.at += 1;
            match (top, next) {
                (Open::Array(items), Some(b',')) => {
                    items.push(value);
                    return Ok(None);
                }
                (Open::Object(members, key), Some(b',')) => {
                    let k = key.take().ok_or_else(|| self.error("expected a key"))?;
                    members.push((k, value));
                    self.skip_ws();
                    *key = Some(self.key()?);
                    return Ok(None);
                }
                (Open::Array(_), Some(b']')) | (Open::Object(..), Some(b'}')) => {
                    value = match stack.pop() {
                        Some(Open::Array(mut items)) => {
                            items.push(value);
                            Node::Array(items)
                        }
                        Some(Open::Object(mut members, Some(k))) => {
                            members.push((k, value));
                            Node::Object(members)
                        }
                        _ => return Err(self.error("expected a key")),
                    };
                }
                (Open::Array(_), _) => {
                    self.at -= 1;
                    return Err(self.error("expected ',' or ']'"));
                }
                (Open::Object(..), _) => {
                    self.at -= 1;
                    return Err(self.error("expected ',' or '}'"));
                }
            }
        }
    }

    /// A key and its colon.
    fn key(&mut self) -> Result<JsonStr<'a>, SyntaxError> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string key"));
        }
        let key = self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.error("expected ':'"));
        }
        self.at += 1;
        Ok(key)
    }

    fn scalar(&mut self) -> Result<Node<'a>, SyntaxError> {
        match self.peek() {
            Some(b'"') => self.string().map(Node::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Node::Bool(true)),
            Some(b'f') => self.literal("false", Node::Bool(false)),
            Some(b'n') => self.literal("null", Node::Null),
            None => Err(self.error("unexpected end of input")),
            Some(_) => Err(self.error("expected a JSON value")),
        }
    }

    fn literal(&mut self, word: &str, node: Node<'a>) -> Result<Node<'a>, SyntaxError> {
        if self.src.get(self.at..).is_some_and(|r| r.starts_with(word)) {
            self.at += word.len();
            Ok(node)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Node<'a>, SyntaxError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        let n = self.digits();
        if n == 0 {
            return Err(self.error("expected a digit"));
        }
        if n > 1 && self.src.as_bytes().get(int_start) == Some(&b'0') {
            self.at = int_start + 1;
            return Err(self.error("a number may not start with 0"));
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.error("expected a digit after '.'"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        Ok(Node::Number(self.src.get(start..self.at).unwrap_or("0")))
    }

    /// A string at `"`: checks its escapes and control characters.
    fn string(&mut self) -> Result<JsonStr<'a>, SyntaxError> {
        self.at += 1;
        let start = self.at;
        let bytes = self.src.as_bytes();
        loop {
            match bytes.get(self.at) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => break,
                Some(b'\\') => {
                    self.at += 1;
                    match bytes.get(self.at) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.at += 1
                        }
                        Some(b'u') => {
                            let hex = self.src.get(self.at + 1..self.at + 5);
                            if hex.and_then(hex4).is_none() {
                                return Err(self.error("expected four hex digits after \\u"));
                            }
                            self.at += 5;
                        }
                        _ => return Err(self.error("invalid escape")),
                    }
                }
                Some(&b) if b < 0x20 => {
                    return Err(self.error("control character in a string"));
                }
                Some(_) => self.at += 1,
            }
        }
        let raw = self.src.get(start..self.at).unwrap_or("");
        self.at += 1;
        Ok(JsonStr(Cow::Borrowed(raw)))
    }
}

/// The minified JSON of a node.
pub fn minify(node: &Node<'_>) -> String {
    let mut out = String::new();
    write_min(node, &mut out);
    out
}

fn write_min(node: &Node<'_>, out: &mut String) {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Number(n) => out.push_str(n),
        Node::String(s) => s.write_min(out),
        Node::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_min(item, out);
            }
            out.push(']');
        }
        Node::Object(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                k.write_min(out);
                out.push(':');
                write_min(v, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minifies_keeping_numbers_and_text() {
        let src = "{ \"a\" : [1.0, 1e3, -0, 12345678901234567890123],\n \"é\\u00e9\\/\": \"\\ud800\\ud83d\\ude00\\n\" }";
        let node = parse(src).unwrap();
        assert_eq!(
            minify(&node),
            "{\"a\":[1.0,1e3,-0,12345678901234567890123],\"éé/\":\"\\ud800😀\\n\"}"
        );
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse("{\n  \"a\": tru\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        assert!(parse("[1,]").is_err());
        assert!(parse("01").is_err());
        assert!(parse("\"a\tb\"").is_err());
        assert!(parse(&"[".repeat(300)).is_err());
        assert!(parse("[1] x").is_err());
    }
}
