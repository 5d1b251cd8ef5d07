//! HTML as the Markdown a reader of the page would write down: headings,
//! paragraphs, lists, links, tables, quotes and code, without the markup,
//! scripts, styles, comments, SVG and hidden elements.
//!
//! html5gum tokenizes (WHATWG's tokenizer, character references included);
//! the tree is only what Markdown needs, an element stack with HTML's
//! implied end tags for `p`, `li`, `dt`/`dd` and table parts, so any tag
//! soup converts in one pass. Text is whitespace-collapsed outside `pre`,
//! and a `<` that would read as a tag is escaped (`\<`).

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// The Markdown of an HTML document or fragment. `structural` also drops
/// the page's navigation, header, footer and asides.
pub fn to_markdown(html: &str, structural: bool) -> String {
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let mut c = Converter {
        structural,
        ..Converter::default()
    };
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = lossy(&tag.name);
                let attr = |k: &str| tag.attributes.get(k.as_bytes()).map(|v| lossy(&v.value.0));
                let hidden = attr("hidden").is_some()
                    || attr("aria-hidden").is_some_and(|v| v.trim() == "true")
                    || attr("style").is_some_and(|s| hides(&s))
                    || (structural
                        && attr("role").is_some_and(|r| BOILERPLATE_ROLES.contains(&r.trim())));
                let start = Start {
                    name: &name,
                    hidden,
                    self_closing: tag.self_closing,
                    href: attr("href"),
                    alt: attr("alt"),
                    class: attr("class"),
                    first: attr("start").and_then(|s| s.trim().parse().ok()),
                };
                c.start(start);
            }
            Token::EndTag(tag) => c.end(&lossy(&tag.name)),
            Token::String(s) => c.text(&lossy(&s.value.0)),
            _ => {}
        }
    }
    c.finish()
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Whether an inline style hides the element.
fn hides(style: &str) -> bool {
    let s: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    s.contains("display:none") || s.contains("visibility:hidden")
}

/// Never shown as page text.
const SKIPPED: &[&str] = &[
    "script", "style", "template", "noscript", "svg", "math", "head", "title", "iframe", "object",
    "canvas", "audio", "video",
];
/// How far down the element stack an end tag or an implied end looks for
/// its element: tag soup can leave thousands open, and a search to the
/// bottom for each tag would make them quadratic. Real pages nest far less.
const SCAN: usize = 64;
/// Where a header or footer is the content's (an article's header holds its
/// title), not the page's furniture.
const CONTENT: &[&str] = &["article", "main", "section"];
const BOILERPLATE_ROLES: &[&str] = &["navigation", "banner", "contentinfo", "complementary"];
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// What `<head>` may hold; any other start tag ends an unclosed head.
const HEAD_CONTENT: &[&str] = &[
    "meta", "link", "title", "style", "script", "base", "noscript", "template",
];
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "body",
    "blockquote",
    "details",
    "dialog",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "hgroup",
    "hr",
    "html",
    "main",
    "nav",
    "p",
    "section",
    "summary",
    "caption",
];

struct Start<'a> {
    name: &'a str,
    hidden: bool,
    self_closing: bool,
    href: Option<String>,
    alt: Option<String>,
    class: Option<String>,
    first: Option<u64>,
}

struct Open {
    name: String,
    /// Whether this element started a skipped subtree.
    skips: bool,
    /// For `a`: where its text starts (offset and generation, see
    /// `markdown.rs`), and its target.
    link: Option<((usize, usize), String)>,
    /// For inline `code`: where its text starts.
    code: Option<(usize, usize)>,
}

struct List {
    ordered: bool,
    next: u64,
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    cell: Option<String>,
    /// Tables inside this one: their cells read as this cell's text.
    nested: usize,
    /// Cells finished so far.
    finished: usize,
}

#[derive(Default)]
struct Converter {
    structural: bool,
    out: String,
    last_was_item: bool,
    blocks: usize,
    line: String,
    space: bool,
    stack: Vec<Open>,
    skipping: usize,
    /// Open `head` elements, and open `article`, `main` and `section`
    /// elements (kept as counts so that no tag searches the stack).
    open_heads: usize,
    open_content: usize,
    lists: Vec<List>,
    marker: Option<String>,
    in_item: bool,
    quote: usize,
    heading: Option<usize>,
    pre: Option<(String, String)>,
    table: Option<Table>,
}

impl Converter {
    fn start(&mut self, s: Start<'_>) {
        if self.skipping == 0 && self.open_heads > 0 && !HEAD_CONTENT.contains(&s.name) {
            self.end("head");
        }
        let skips = s.hidden
            || SKIPPED.contains(&s.name)
            || (self.structural && self.is_boilerplate(s.name));
        if VOID.contains(&s.name) || (s.self_closing && (skips || s.name == "svg")) {
            if self.skipping == 0 && !skips {
                self.void(&s);
            }
            return;
        }
        self.close_implied(s.name);
        let mut open = Open {
            name: s.name.to_string(),
            skips,
            link: None,
            code: None,
        };
        if skips {
            self.skipping += 1;
        } else if self.skipping == 0 {
            self.open_element(&s, &mut open);
        }
        self.count_open(&open.name, 1);
        self.stack.push(open);
    }

    /// Page furniture, dropped at the structural level: navigation, asides,
    /// and the page's own header and footer.
    fn is_boilerplate(&self, name: &str) -> bool {
        match name {
            "nav" | "aside" => true,
            "header" | "footer" => self.open_content == 0,
            _ => false,
        }
    }

    fn void(&mut self, s: &Start<'_>) {
        match s.name {
            "br" => match (&mut self.pre, &mut self.table) {
                (Some((_, code)), _) => code.push('\n'),
                (None, Some(t)) if t.cell.is_some() => self.space = true,
                _ => {
                    self.line.push('\n');
                    self.space = false;
                }
            },
            "hr" => self.flush(),
            "img" => {
                if let Some(alt) = s.alt.as_deref().filter(|a| !a.trim().is_empty()) {
                    self.text(alt);
                }
            }
            _ => {}
        }
    }

    /// HTML's implied end tags: a new `p`, `li`, `dt`/`dd` or table part
    /// closes the open one, and a block closes an open paragraph.
    fn close_implied(&mut self, name: &str) {
        let (closes, within): (&[&str], &[&str]) = match name {
            "li" => (&["li"], &["ul", "ol"]),
            "dt" | "dd" => (&["dt", "dd"], &["dl"]),
            "td" | "th" => (&["td", "th"], &["tr", "table"]),
            "tr" => (&["tr"], &["table"]),
            _ if BLOCKS.contains(&name) || is_block_like(name) => (&["p"], &[]),
            _ => return,
        };
        let mut found = None;
        for (i, o) in self.stack.iter().enumerate().rev().take(SCAN) {
            if closes.contains(&o.name.as_str()) {
                found = Some(i);
                break;
            }
            if within.contains(&o.name.as_str()) || (within.is_empty() && o.name != "p") {
                break;
            }
        }
        if let Some(i) = found {
            while self.stack.len() > i {
                self.pop();
            }
        }
    }

    fn open_element(&mut self, s: &Start<'_>, open: &mut Open) {
        if let Some(t) = self.table.as_mut() {
            match s.name {
                "table" => t.nested += 1,
                "tr" if t.nested == 0 => {
                    finish_cell(t);
                    t.rows.push(Vec::new());
                }
                "td" | "th" if t.nested == 0 => {
                    finish_cell(t);
                    if t.rows.is_empty() {
                        t.rows.push(Vec::new());
                    }
                    t.cell = Some(String::new());
                }
                // A block inside a cell separates its text; inline
                // elements (a span in inline code) do not.
                n if separates(n) => self.space = true,
                _ => {}
            }
            if !matches!(s.name, "a" | "code") {
                return;
            }
        }
        match s.name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush();
                self.heading = s.name.get(1..).and_then(|n| n.parse().ok());
            }
            "ul" | "ol" => {
                self.flush();
                self.lists.push(List {
                    ordered: s.name == "ol",
                    next: s.first.unwrap_or(1),
                });
            }
            "li" => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(l) if l.ordered => {
                        l.next += 1;
                        format!("{}. ", l.next - 1)
                    }
                    _ => "- ".to_string(),
                };
                self.marker = Some(marker);
                self.in_item = true;
            }
            "blockquote" => {
                self.flush();
                self.quote += 1;
            }
            "pre" => {
                self.flush();
                self.pre = Some((language(s.class.as_deref()), String::new()));
            }
            "table" => {
                self.flush();
                self.table = Some(Table::default());
            }
            "code" if self.pre.is_some() => {
                if let Some((lang, _)) = self.pre.as_mut().filter(|(l, _)| l.is_empty()) {
                    *lang = language(s.class.as_deref());
                }
            }
            "code" => open.code = Some(self.inline_start()),
            "a" => {
                if let Some(href) = s.href.as_deref().map(str::trim).filter(|h| useful_href(h)) {
                    open.link = Some((self.inline_start(), href.to_string()));
                }
            }
            n if BLOCKS.contains(&n) || is_block_like(n) => self.flush(),
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        let depth = self.stack.len();
        let Some(i) = self
            .stack
            .iter()
            .rev()
            .take(SCAN)
            .position(|o| o.name == name)
            .map(|from_top| depth - 1 - from_top)
        else {
            return;
        };
        while self.stack.len() > i {
            self.pop();
        }
    }

    fn count_open(&mut self, name: &str, delta: isize) {
        let counter = match name {
            "head" => &mut self.open_heads,
            n if CONTENT.contains(&n) => &mut self.open_content,
            _ => return,
        };
        *counter = counter.saturating_add_signed(delta);
    }

    fn pop(&mut self) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        self.count_open(&open.name, -1);
        if open.skips {
            self.skipping = self.skipping.saturating_sub(1);
            return;
        }
        if self.skipping > 0 {
            return;
        }
        if let Some(t) = self.table.as_mut() {
            match open.name.as_str() {
                "table" if t.nested > 0 => t.nested -= 1,
                "table" => {
                    let t = self.table.take().unwrap_or_default();
                    self.emit_table(t);
                }
                "td" | "th" if t.nested == 0 => finish_cell(t),
                "a" => self.close_link(&open),
                "code" => self.close_code(&open),
                n if separates(n) => self.space = true,
                _ => {}
            }
            return;
        }
        match open.name.as_str() {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush();
                self.heading = None;
            }
            "ul" | "ol" => {
                self.flush();
                self.lists.pop();
                self.last_was_item = false;
            }
            "li" => {
                self.flush();
                self.in_item = false;
                self.marker = None;
            }
            "blockquote" => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            "pre" => self.close_pre(),
            "a" => self.close_link(&open),
            "code" => self.close_code(&open),
            n if BLOCKS.contains(&n) || is_block_like(n) => self.flush(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.skipping > 0 {
            return;
        }
        if let Some((_, code)) = self.pre.as_mut() {
            code.push_str(text);
            return;
        }
        let space = &mut self.space;
        let target = match self.table.as_mut() {
            // Whitespace between a table's tags is not a cell.
            Some(t) if t.cell.is_none() && text.trim().is_empty() => return,
            Some(t) => t.cell.get_or_insert_with(String::new),
            None => &mut self.line,
        };
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_whitespace() {
                *space = true;
                continue;
            }
            if *space && !target.is_empty() && !target.ends_with('\n') {
                target.push(' ');
            }
            *space = false;
            let tag_like = chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
            if c == '<' && tag_like {
                target.push('\\');
            }
            target.push(c);
        }
    }
}

fn is_block_like(name: &str) -> bool {
    matches!(
        name,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "li" | "pre" | "table" | "dl"
    )
}

/// Inside a table cell: the elements whose ends separate words (blocks,
/// and the cells of a table nested in the cell).
fn separates(name: &str) -> bool {
    BLOCKS.contains(&name) || is_block_like(name) || matches!(name, "tr" | "td" | "th")
}

fn useful_href(h: &str) -> bool {
    !h.is_empty() && !h.starts_with('#') && !h.to_ascii_lowercase().starts_with("javascript:")
}

/// `language-rust` or `lang-rust` in a class list.
fn language(class: Option<&str>) -> String {
    class
        .unwrap_or("")
        .split_whitespace()
        .find_map(|c| {
            c.strip_prefix("language-")
                .or_else(|| c.strip_prefix("lang-"))
        })
        .unwrap_or("")
        .to_string()
}

fn finish_cell(t: &mut Table) {
    if let Some(cell) = t.cell.take() {
        t.finished += 1;
        let cell = cell.trim().replace('\n', " ").replace('|', "\\|");
        match t.rows.last_mut() {
            Some(row) => row.push(cell),
            None => t.rows.push(vec![cell]),
        }
    }
}

mod markdown;
