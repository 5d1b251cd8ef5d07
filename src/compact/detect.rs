//! Which kind of context a text is, from cheap signs in its first bytes and
//! lines. JSON is decided by parsing (in `mod.rs`), since only a parse can
//! say; unsure means text, whose passes touch nothing but line-end spaces and
//! tables.

use super::Kind;

/// How far into the text the signs are looked for, so that detection costs
/// the same on 10 MB as on 10 KB.
const SNIFF: usize = 64 * 1024;

/// HTML, log, table or text (JSON is tried first by the caller).
pub fn detect(text: &str) -> Kind {
    let head = head(text);
    if looks_like_html(head) {
        Kind::Html
    } else if looks_like_log(head) {
        Kind::Log
    } else if looks_like_table(head) {
        Kind::Table
    } else {
        Kind::Text
    }
}

/// Whether the text may be JSON (worth a parse).
pub fn may_be_json(text: &str) -> bool {
    text.trim_start_matches(['\u{feff}', ' ', '\t', '\n', '\r'])
        .starts_with(['{', '['])
}

fn head(text: &str) -> &str {
    let mut end = text.len().min(SNIFF);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("")
}

const HTML_OPENERS: &[&str] = &[
    "<!doctype html",
    "<html",
    "<head",
    "<body",
    "<!--",
    "<div",
    "<p>",
    "<p ",
    "<h1",
    "<h2",
    "<h3",
    "<ul",
    "<ol",
    "<table",
    "<section",
    "<article",
    "<main",
    "<nav",
    "<header",
    "<span",
    "<a ",
    "<pre",
    "<meta",
    "<link",
    "<title",
    "<script",
    "<style",
];

/// Starts with a tag HTML documents and fragments start with, and closes
/// some element.
fn looks_like_html(head: &str) -> bool {
    let t = head.trim_start_matches(['\u{feff}', ' ', '\t', '\n', '\r']);
    let start = t.get(..16).unwrap_or(t).to_ascii_lowercase();
    HTML_OPENERS.iter().any(|o| start.starts_with(o)) && (t.contains("</") || t.contains("/>"))
}

/// Escape sequences or carriage-return rewrites, or lines that mostly
/// start (at the margin) with a timestamp or a log level.
fn looks_like_log(head: &str) -> bool {
    if head.contains('\u{1b}')
        || head
            .split('\n')
            .any(|l| l.trim_end_matches('\r').contains('\r'))
    {
        return true;
    }
    let lines: Vec<&str> = head.lines().filter(|l| !l.trim().is_empty()).collect();
    let marked = lines.iter().filter(|l| log_prefix(l)).count();
    lines.len() >= 4 && marked * 2 >= lines.len()
}

fn log_prefix(line: &str) -> bool {
    let l = line.strip_prefix('[').unwrap_or(line);
    let b = l.as_bytes();
    let date = b.len() >= 10
        && b.iter().take(4).all(u8::is_ascii_digit)
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-');
    let time = b.len() >= 8 && b.get(2) == Some(&b':') && b.get(5) == Some(&b':');
    const LEVELS: &[&str] = &[
        "INFO", "WARN", "ERROR", "DEBUG", "TRACE", "FATAL", "error:", "warning:", "note:",
    ];
    date || time || LEVELS.iter().any(|p| l.starts_with(p))
}

/// Mostly lines of pipe tables, or a first block of aligned columns.
fn looks_like_table(head: &str) -> bool {
    let lines: Vec<&str> = head.lines().filter(|l| !l.trim().is_empty()).collect();
    let piped = lines.iter().filter(|l| l.starts_with('|')).count();
    let first: Vec<&str> = head
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .collect();
    (lines.len() >= 2 && piped * 10 >= lines.len() * 6)
        || (first.len() * 10 >= lines.len() * 6 && super::table::aligned_table(&first).is_some())
}
