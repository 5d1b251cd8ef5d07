//! TOON (Token-Oriented Object Notation, github.com/toon-format/spec),
//! written so that its reference decoder reads back a value deep-equal to
//! the JSON: arrays of objects that share their keys (in the same order) and
//! hold only primitives become `key[N]{f1,f2}:` headers over one row per
//! object, the rest is TOON's indented object and list form.
//!
//! Only a subset of the notation is written (no keyed tables, nested field
//! groups, tab or pipe delimiters), and [`encode`] declines a value it cannot
//! carry exactly: a lone surrogate or a control character TOON has no escape
//! for, duplicate keys (an error for strict decoders), a negative zero
//! (decoded as 0), or nothing tabular at all (then TOON saves nothing that
//! minified JSON does not).

use std::collections::HashSet;

use super::json::{JsonStr, Node};

/// The TOON text of a JSON object or array with at least one tabular
/// array, or `None` (see the module's doc). Also `None` past `limit` bytes:
/// indentation grows with depth, and deeply nested lists would write far
/// more than they save.
pub fn encode(node: &Node<'_>, limit: usize) -> Option<String> {
    let mut w = Writer {
        out: String::new(),
        tabular: false,
        limit,
    };
    match node {
        Node::Object(members) => w.fields(members, 0)?,
        Node::Array(items) => w.array(None, items, 0, "")?,
        _ => return None,
    }
    (w.tabular && w.out.len() <= limit).then_some(w.out)
}

struct Writer {
    out: String,
    tabular: bool,
    limit: usize,
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

fn is_primitive(node: &Node<'_>) -> bool {
    !matches!(node, Node::Array(_) | Node::Object(_))
}

impl Writer {
    /// Writes a line; `None` once the output is past its limit, which
    /// every caller passes on.
    fn line(&mut self, start: &str, content: &str) -> Option<()> {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out.push_str(start);
        self.out.push_str(content);
        (self.out.len() <= self.limit).then_some(())
    }

    /// An object's members, each on its line at `depth`.
    fn fields(&mut self, members: &[(JsonStr<'_>, Node<'_>)], depth: usize) -> Option<()> {
        let mut seen = HashSet::with_capacity(members.len());
        for (k, _) in members {
            if !seen.insert(k.text()?) {
                return None;
            }
        }
        let start = indent(depth);
        for (k, v) in members {
            self.field(k, v, depth, &start)?;
        }
        Some(())
    }

    /// One member; `start` is what opens its line (its indentation, or a
    /// list item's `- `). What it opens is at `depth + 1`.
    fn field(
        &mut self,
        key: &JsonStr<'_>,
        value: &Node<'_>,
        depth: usize,
        start: &str,
    ) -> Option<()> {
        let key = encode_key(key)?;
        match value {
            Node::Object(members) => {
                self.line(start, &format!("{key}:"))?;
                self.fields(members, depth + 1)
            }
            Node::Array(items) => self.array(Some(&key), items, depth, start),
            v => {
                let cell = primitive(v)?;
                self.line(start, &format!("{key}: {cell}"))?;
                Some(())
            }
        }
    }

    /// An array's header on a line opened by `start`, its items at
    /// `depth + 1`.
    fn array(
        &mut self,
        key: Option<&str>,
        items: &[Node<'_>],
        depth: usize,
        start: &str,
    ) -> Option<()> {
        let key = key.unwrap_or("");
        let n = items.len();
        if items.is_empty() {
            let empty = if key.is_empty() {
                "[]".to_string()
            } else {
                format!("{key}: []")
            };
            self.line(start, &empty)?;
            return Some(());
        }
        if items.iter().all(is_primitive) {
            let cells = items.iter().map(primitive).collect::<Option<Vec<_>>>()?;
            self.line(start, &format!("{key}[{n}]: {}", cells.join(",")))?;
            return Some(());
        }
        if let Some(fields) = table_fields(items) {
            let names = fields
                .iter()
                .map(|f| encode_key(f))
                .collect::<Option<Vec<_>>>()?;
            self.line(start, &format!("{key}[{n}]{{{}}}:", names.join(",")))?;
            let row_start = indent(depth + 1);
            for item in items {
                let Node::Object(members) = item else {
                    return None;
                };
                let cells = members
                    .iter()
                    .map(|(_, v)| primitive(v))
                    .collect::<Option<Vec<_>>>()?;
                self.line(&row_start, &cells.join(","))?;
            }
            self.tabular = true;
            return Some(());
        }
        self.line(start, &format!("{key}[{n}]:"))?;
        let item_start = format!("{}- ", indent(depth + 1));
        for item in items {
            self.list_item(item, depth + 1, &item_start)?;
        }
        Some(())
    }

    /// One item of an expanded list, at `depth`, its line opened by `start`
    /// (`- ` at that depth).
    fn list_item(&mut self, item: &Node<'_>, depth: usize, start: &str) -> Option<()> {
        match item {
            Node::Array(inner) => self.array(None, inner, depth, start),
            Node::Object(members) => {
                let Some(((k, v), rest)) = members.split_first() else {
                    self.line(&indent(depth), "-")?;
                    return Some(());
                };
                let mut seen = HashSet::with_capacity(members.len());
                for (k, _) in members {
                    if !seen.insert(k.text()?) {
                        return None;
                    }
                }
                // The first member rides on the hyphen line and stands one
                // level deeper; the others follow at that level.
                self.field(k, v, depth + 1, start)?;
                let rest_start = indent(depth + 1);
                for (k, v) in rest {
                    self.field(k, v, depth + 1, &rest_start)?;
                }
                Some(())
            }
            v => {
                let cell = primitive(v)?;
                self.line(start, &cell)?;
                Some(())
            }
        }
    }
}

/// The shared keys of an array of non-empty objects whose members are all
/// primitives, in the same order in every object.
fn table_fields<'n, 'a>(items: &'n [Node<'a>]) -> Option<Vec<&'n JsonStr<'a>>> {
    let Some(Node::Object(first)) = items.first() else {
        return None;
    };
    if first.is_empty() {
        return None;
    }
    for item in items {
        let Node::Object(members) = item else {
            return None;
        };
        if members.len() != first.len()
            || members
                .iter()
                .zip(first)
                .any(|((k, v), (f, _))| k != f || !is_primitive(v))
        {
            return None;
        }
    }
    Some(first.iter().map(|(k, _)| k).collect())
}

fn primitive(node: &Node<'_>) -> Option<String> {
    match node {
        Node::Null => Some("null".into()),
        Node::Bool(b) => Some(if *b { "true" } else { "false" }.into()),
        Node::Number(n) => {
            // -0 (also -0.0, -0e5) decodes as 0.
            let mantissa = n.split(['e', 'E']).next().unwrap_or(n);
            let negative_zero =
                n.starts_with('-') && !mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b));
            (!negative_zero).then(|| n.to_string())
        }
        Node::String(s) => {
            let text = s.text()?;
            if needs_quotes(&text) {
                quote(&text)
            } else {
                Some(text.into_owned())
            }
        }
        _ => None,
    }
}

fn encode_key(key: &JsonStr<'_>) -> Option<String> {
    let text = key.text()?;
    let mut chars = text.chars();
    let bare = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if bare {
        Some(text.into_owned())
    } else {
        quote(&text)
    }
}

/// TOON's quoting rules for a string value (comma the delimiter), and
/// any whitespace at either end, which decoders would trim.
fn needs_quotes(s: &str) -> bool {
    s.is_empty()
        || s.starts_with(char::is_whitespace)
        || s.ends_with(char::is_whitespace)
        || matches!(s, "true" | "false" | "null")
        || numeric_like(s)
        || s.contains([':', '"', '\\', '[', ']', '{', '}', ','])
        || s.chars().any(|c| (c as u32) < 0x20 || c == '\u{7f}')
        || s.starts_with(['-', '#'])
}

/// `^[+-]?[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?$`, case-insensitive.
fn numeric_like(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match b.find(['e', 'E']) {
        Some(p) => (b.get(..p).unwrap_or(""), Some(b.get(p + 1..).unwrap_or(""))),
        None => (b, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((i, f)) => digits(i) && digits(f),
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)))
}

/// A quoted TOON string; `None` for control characters other than the
/// three TOON escapes.
fn quote(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => return None,
            c => out.push(c),
        }
    }
    out.push('"');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::json::parse;
    use super::*;

    #[test]
    fn tables_and_quoting() {
        let node = parse(r#"{"items":[{"id":1,"name":"a, b"},{"id":2.50,"name":"007"}],"ok":true,"tags":["x","-y"],"more":[{"a":[1]},{"b":{}}]}"#).unwrap();
        assert_eq!(
            encode(&node, usize::MAX).unwrap(),
            "items[2]{id,name}:\n  1,\"a, b\"\n  2.50,\"007\"\nok: true\ntags[2]: x,\"-y\"\nmore[2]:\n  - a[1]: 1\n  - b:"
        );
        assert!(encode(&parse(r#"{"a":[1,2]}"#).unwrap(), usize::MAX).is_none());
        assert!(encode(&parse(r#"[{"a":-0},{"a":1}]"#).unwrap(), usize::MAX).is_none());
        assert!(
            numeric_like("1e-6")
                && numeric_like("-05")
                && !numeric_like("1.")
                && !numeric_like("e5")
        );
    }
}
