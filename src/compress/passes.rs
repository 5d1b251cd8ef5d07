//! The passes. Each reads the segmented text and proposes edits, grouped by
//! the paragraph (or gap) they change; the pipeline keeps a group only if it
//! lowers that paragraph's token count. No pass edits a protected span, a
//! code block or a structured block: every edit is checked against the
//! segmentation.

use std::collections::HashSet;

use super::phrases::{self, is_word_char, Matcher, PhraseEntry, Which};
use super::segment::{codey, indent_len, indent_within, list_marker, Block, Doc, Kind};
use super::Level;

/// Replace `start..end` with `with`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Edit {
    pub start: usize,
    pub end: usize,
    pub with: String,
}

/// Edits that stand or fall together, inside `start..end`.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub start: usize,
    pub end: usize,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pass {
    UnicodeSpaces,
    Quotes,
    Whitespace,
    Indentation,
    Duplicates,
    Fillers,
    Phrases(Level),
    Markdown,
    Lists,
    LowInformation,
}

impl Pass {
    pub fn name(self) -> &'static str {
        match self {
            Pass::UnicodeSpaces => "unicode_spaces",
            Pass::Quotes => "quotes",
            Pass::Whitespace => "whitespace",
            Pass::Indentation => "indentation",
            Pass::Duplicates => "duplicates",
            Pass::Fillers => "fillers",
            Pass::Phrases(_) => "phrases",
            Pass::Markdown => "markdown",
            Pass::Lists => "lists",
            Pass::LowInformation => "low_information_words",
        }
    }

    pub fn run(self, text: &str, doc: &Doc) -> Vec<Group> {
        match self {
            Pass::UnicodeSpaces => per_run(text, doc, false, unicode_spaces),
            Pass::Quotes => per_run(text, doc, false, quotes),
            Pass::Whitespace => whitespace(text, doc),
            Pass::Indentation => indentation(text, doc),
            Pass::Duplicates => duplicates(text, doc),
            Pass::Fillers => phrase_pass(text, doc, phrases::matcher(Which::Fillers)),
            Pass::Phrases(level) => {
                phrase_pass(text, doc, phrases::matcher(Which::Rewrites(level)))
            }
            Pass::Markdown => markdown(text, doc),
            Pass::Lists => lists(text, doc),
            Pass::LowInformation => phrase_pass(text, doc, phrases::matcher(Which::LowInformation)),
        }
    }
}

fn slice(text: &str, start: usize, end: usize) -> &str {
    text.get(start..end).unwrap_or("")
}

fn prose(doc: &Doc, english_only: bool) -> impl Iterator<Item = &Block> {
    doc.blocks
        .iter()
        .filter(move |b| b.kind == Kind::Prose && (b.english || !english_only))
}

fn block_group(block: &Block, edits: Vec<Edit>) -> Option<Group> {
    if edits.is_empty() {
        return None;
    }
    Some(Group {
        start: block.start,
        end: block.end,
        edits,
    })
}

/// Runs `f` over every editable run of every (English, if asked) paragraph.
fn per_run(
    text: &str,
    doc: &Doc,
    english_only: bool,
    f: fn(&str, usize, &mut Vec<Edit>),
) -> Vec<Group> {
    prose(doc, english_only)
        .filter_map(|b| {
            let mut edits = Vec::new();
            for (s, e) in b.runs() {
                f(slice(text, s, e), s, &mut edits);
            }
            block_group(b, edits)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Lossless

/// Spaces that look like a space and mean one.
fn is_space_lookalike(c: char) -> bool {
    matches!(
        c,
        '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{1680}'
    )
}

fn unicode_spaces(run: &str, offset: usize, edits: &mut Vec<Edit>) {
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

fn quotes(run: &str, offset: usize, edits: &mut Vec<Edit>) {
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
fn whitespace(text: &str, doc: &Doc) -> Vec<Group> {
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
fn indentation(text: &str, doc: &Doc) -> Vec<Group> {
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
fn duplicates(text: &str, doc: &Doc) -> Vec<Group> {
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

// ---------------------------------------------------------------------------
// Phrase tables

#[derive(Clone, Copy, Debug)]
struct Word {
    start: usize,
    end: usize,
}

/// The words of an editable run: letters and digits, with apostrophes and
/// hyphens inside them.
fn words_of(run: &str, offset: usize) -> Vec<Word> {
    let chars: Vec<(usize, char)> = run.char_indices().collect();
    let alnum = |j: usize| chars.get(j).is_some_and(|&(_, c)| c.is_alphanumeric());
    let mut words = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !alnum(i) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        loop {
            if alnum(j) {
                j += 1;
            } else if chars.get(j).is_some_and(|&(_, c)| is_word_char(c)) && alnum(j + 1) {
                j += 2;
            } else {
                break;
            }
        }
        if let (Some(&(s, _)), Some(&(e, c))) = (chars.get(i), chars.get(j - 1)) {
            words.push(Word {
                start: offset + s,
                end: offset + e + c.len_utf8(),
            });
        }
        i = j;
    }
    words
}

const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "approx", "mr", "mrs", "ms", "dr", "prof", "st", "no", "cf", "al",
    "inc", "ltd", "jr", "sr", "fig", "esp", "resp", "min", "max", "incl", "excl",
];

/// Whether `pos` starts a sentence, a line, or a list item.
fn sentence_start(text: &str, block: &Block, pos: usize) -> bool {
    let before = slice(text, block.start, pos);
    let t = before.trim_end_matches([' ', '\t', '(', '"', '“', '‘', '*', '_', '[', '\'']);
    let Some(last) = t.chars().next_back() else {
        return true;
    };
    match last {
        '\n' | ':' => true,
        '.' | '!' | '?' => {
            let tail = suffix(t, 12);
            let prev_word = tail
                .trim_end_matches(['.', '!', '?'])
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '.'))
                .next()
                .unwrap_or("")
                .to_lowercase();
            !(last == '.' && ABBREVIATIONS.contains(&prev_word.as_str()))
        }
        _ => {
            // A list marker, heading or quote marker alone before `pos`.
            let window = suffix(t, 12);
            let line = match window.rfind('\n') {
                Some(p) => window.get(p + 1..).unwrap_or(""),
                None if window.len() == t.len() => window,
                None => return false,
            };
            let l = line.trim();
            list_marker(&format!("{l} ")).is_some_and(|n| n == l.len() + 1)
                || (!l.is_empty() && l.chars().all(|c| c == '#' || c == '>'))
        }
    }
}

/// The last `n` bytes of `s` or a little fewer, on a character boundary.
fn suffix(s: &str, n: usize) -> &str {
    let mut k = s.len().saturating_sub(n);
    while !s.is_char_boundary(k) {
        k += 1;
    }
    s.get(k..).unwrap_or("")
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `w` is the phrase word `pw` as written at the start of a phrase: in
/// lowercase, or capitalized.
fn first_word_case(w: &str, pw: &str) -> Option<bool> {
    if w == pw {
        Some(false)
    } else if w == capitalize(pw) {
        Some(true)
    } else {
        None
    }
}

/// `w` is the phrase word `pw` inside a phrase: lowercase, except the
/// pronoun I.
fn inner_word_matches(w: &str, pw: &str) -> bool {
    w == pw || (is_pronoun_i(pw) && w == capitalize(pw))
}

fn is_pronoun_i(pw: &str) -> bool {
    matches!(pw, "i" | "i'm" | "i'd" | "i'll" | "i've")
}

/// Between two words of a phrase: spaces, and at most one line break.
fn phrase_gap(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c == ' ' || c == '\t' || c == '\n' || c == '\r')
        && s.matches('\n').count() <= 1
}

fn word_text(text: &str, w: Word) -> &str {
    slice(text, w.start, w.end)
}

fn phrase_pass(text: &str, doc: &Doc, matcher: &Matcher) -> Vec<Group> {
    if matcher.is_empty() {
        return Vec::new();
    }
    let mut prev_end: Option<usize> = None;
    doc.blocks
        .iter()
        .filter_map(|block| {
            let gap_start = prev_end.replace(block.end);
            if block.kind != Kind::Prose || !block.english {
                return None;
            }
            let mut edits: Vec<Edit> = Vec::new();
            for (rs, re) in block.runs() {
                let words = words_of(slice(text, rs, re), rs);
                // Where a removed filler that began a sentence with a capital
                // ended: the word there takes over the capital.
                let mut carry: Option<usize> = None;
                let mut i = 0;
                while let Some(&w) = words.get(i) {
                    let inherited = carry == Some(w.start);
                    carry = None;
                    let found = match_at(text, block, &words, i, matcher, inherited);
                    let mut done = None;
                    if let Some((k, entry, sentence, capital)) = found {
                        let first = w.start;
                        let last = words.get(i + k - 1).map_or(w.end, |x| x.end);
                        if entry.replacement.is_empty() {
                            if let Some((edit, goes_on)) =
                                removal(text, block, (rs, re), first, last, sentence)
                            {
                                if capital && goes_on {
                                    carry = Some(edit.end);
                                }
                                done = Some(edit);
                            }
                        } else {
                            let with = if capital {
                                capitalize(&entry.replacement)
                            } else {
                                entry.replacement.clone()
                            };
                            done = Some(Edit {
                                start: first,
                                end: last,
                                with,
                            });
                        }
                    }
                    match done {
                        Some(edit) => {
                            let end = edit.end;
                            edits.push(edit);
                            while words.get(i).is_some_and(|x| x.start < end) {
                                i += 1;
                            }
                        }
                        None => {
                            if inherited {
                                let word = word_text(text, w);
                                let mut chars = word.chars();
                                if let Some(c) = chars.next() {
                                    if c.is_lowercase() && !chars.any(char::is_uppercase) {
                                        edits.push(Edit {
                                            start: w.start,
                                            end: w.start + c.len_utf8(),
                                            with: c.to_uppercase().collect(),
                                        });
                                    }
                                }
                            }
                            i += 1;
                        }
                    }
                }
            }
            // A paragraph that was all filler ("Thank you!") goes with the
            // blank lines before it.
            if let ([only], Some(gap)) = (edits.as_slice(), gap_start) {
                if only.start == block.start && only.end == block.end && only.with.is_empty() {
                    return Some(Group {
                        start: gap,
                        end: block.end,
                        edits: vec![Edit {
                            start: gap,
                            end: block.end,
                            with: String::new(),
                        }],
                    });
                }
            }
            block_group(block, edits)
        })
        .collect()
}

/// The longest entry that matches at word `i`: its word count, the entry,
/// whether it starts a sentence and whether it is capitalized there.
fn match_at(
    text: &str,
    block: &Block,
    words: &[Word],
    i: usize,
    matcher: &Matcher,
    inherited: bool,
) -> Option<(usize, &'static PhraseEntry, bool, bool)> {
    let w0 = *words.get(i)?;
    let first = word_text(text, w0);
    let lower = first.to_lowercase();
    let candidates = matcher.candidates(&lower);
    if candidates.is_empty() {
        return None;
    }
    let mut sentence: Option<bool> = None;
    for (pwords, index) in candidates {
        let k = pwords.len();
        let Some(entry) = matcher.entry(*index) else {
            continue;
        };
        let Some(pw0) = pwords.first() else { continue };
        let Some(capital) = first_word_case(first, pw0) else {
            continue;
        };
        let ok = (1..k).all(|j| {
            let (Some(a), Some(b), Some(pw)) =
                (words.get(i + j - 1), words.get(i + j), pwords.get(j))
            else {
                return false;
            };
            phrase_gap(slice(text, a.end, b.start)) && inner_word_matches(word_text(text, *b), pw)
        });
        if !ok {
            continue;
        }
        let is_start =
            *sentence.get_or_insert_with(|| inherited || sentence_start(text, block, w0.start));
        if (capital && !is_start && !is_pronoun_i(pw0)) || (entry.start_only && !is_start) {
            continue;
        }
        // The words around it, when only spaces separate them.
        let prev = i.checked_sub(1).and_then(|p| words.get(p)).filter(|p| {
            slice(text, p.end, w0.start)
                .chars()
                .all(|c| c == ' ' || c == '\t')
                && p.end < w0.start
        });
        let prev_word = prev.map(|p| word_text(text, *p).to_lowercase());
        if let Some(pl) = &prev_word {
            if entry.not_after.contains(pl) {
                continue;
            }
        }
        if !entry.only_after.is_empty()
            && !is_start
            && !prev_word.is_some_and(|pl| entry.only_after.contains(&pl))
        {
            continue;
        }
        let last = *words.get(i + k - 1)?;
        let next = words.get(i + k).filter(|n| {
            let between = slice(text, last.end, n.start);
            !between.is_empty() && between.chars().all(|c| c == ' ' || c == '\t')
        });
        if let Some(n) = next {
            let nl = word_text(text, *n).to_lowercase();
            if entry.not_before.contains(&nl) {
                continue;
            }
        }
        if entry.before_word && next.is_none() {
            continue;
        }
        if entry.whole_sentence {
            let rest = slice(text, last.end, block.end).trim_start_matches([' ', '\t']);
            let ends = rest.is_empty() || rest.starts_with(['.', '!', '?', '\n', '\r']);
            if !is_start || !ends {
                continue;
            }
        }
        // Not glued to a hyphen ("-please", "in order to-").
        let glued = |p: usize, back: bool| {
            let c = if back {
                slice(text, block.start, p).chars().next_back()
            } else {
                slice(text, p, block.end).chars().next()
            };
            c == Some('-')
        };
        if glued(w0.start, true) || glued(last.end, false) {
            continue;
        }
        return Some((k, entry, is_start, (capital && is_start) || inherited));
    }
    None
}

/// The edit that removes the filler at `s..e`, with the comma or spaces
/// that go with it, and whether the sentence goes on after it (so that the
/// next word may take over a capital).
fn removal(
    text: &str,
    block: &Block,
    run: (usize, usize),
    s: usize,
    e: usize,
    sentence: bool,
) -> Option<(Edit, bool)> {
    let (rs, re) = run;
    let after = slice(text, e, re);
    let spaces_after = after.len() - after.trim_start_matches([' ', '\t']).len();
    let rest = slice(text, e + spaces_after, block.end);
    let before = slice(text, rs, s);
    let before_trim = before.trim_end_matches([' ', '\t']);
    let spaces_before = before.len() - before_trim.len();

    let (mut start, mut end, mut goes_on) = (s, e, false);
    if after.starts_with(',') {
        let after_comma = after.get(1..).unwrap_or("");
        let sp = after_comma.len() - after_comma.trim_start_matches([' ', '\t']).len();
        if !sentence && before_trim.ends_with(',') {
            // "Answer, please, now" -> "Answer, now"
            start = s - spaces_before - 1;
        } else {
            end = e + 1 + sp;
            goes_on = true;
        }
    } else if rest.is_empty()
        || rest.starts_with(['.', '!', '?', ';', ':', '\n', '\r', ')', ']'])
        || e + spaces_after >= re
    {
        if sentence {
            // The whole sentence is filler ("Thank you.").
            let punct = rest.len() - rest.trim_start_matches(['.', '!', '?']).len();
            if punct > 0 && e + spaces_after + punct <= re {
                end = e + spaces_after + punct;
                let tail = slice(text, end, re);
                let sp = tail.len() - tail.trim_start_matches([' ', '\t']).len();
                if sp > 0 && end + sp < re {
                    end += sp;
                } else {
                    start = s - spaces_before;
                }
            } else if rest.is_empty() || rest.starts_with(['\n', '\r']) {
                start = s - spaces_before;
                end = e + spaces_after;
            } else {
                return None;
            }
        } else {
            // "the question, please." -> "the question."
            start = s - spaces_before;
            if before_trim.ends_with(',') {
                start -= 1;
            }
        }
    } else {
        if spaces_after == 0 {
            return None;
        }
        end = e + spaces_after;
        goes_on = true;
    }
    // A line left empty goes with its line break. (Only the blanks next to
    // the edit are looked at, so this stays linear.)
    let before_edit = slice(text, block.start, start);
    let blank_before = before_edit.trim_end_matches(|c: char| c.is_whitespace() && c != '\n');
    let line_start = block.start + blank_before.len();
    let after_edit = slice(text, end, block.end);
    let blank_after = after_edit.len()
        - after_edit
            .trim_start_matches(|c: char| c.is_whitespace() && c != '\n' && c != '\r')
            .len();
    let line_end = end + blank_after;
    let starts_line = line_start == block.start || blank_before.ends_with('\n');
    let ends_line = line_end == block.end
        || slice(text, line_end, line_end + 1) == "\n"
        || slice(text, line_end, line_end + 2) == "\r\n";
    if starts_line && ends_line {
        if line_start > block.start {
            let nl = if slice(text, line_start.saturating_sub(2), line_start) == "\r\n" {
                2
            } else {
                1
            };
            start = line_start - nl;
            end = line_end;
        } else if line_end < block.end {
            start = line_start;
            end = line_end
                + if slice(text, line_end, line_end + 2) == "\r\n" {
                    2
                } else {
                    1
                };
        }
        goes_on = false;
    }
    if start < block.start || end > block.end || !block.editable(start, end) {
        return None;
    }
    Some((
        Edit {
            start,
            end,
            with: String::new(),
        },
        goes_on,
    ))
}

// ---------------------------------------------------------------------------
// Aggressive: markdown and lists

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

fn markdown(text: &str, doc: &Doc) -> Vec<Group> {
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
            // Heading hashes.
            let indent = s.len() - s.trim_start_matches(' ').len();
            let t = s.get(indent..).unwrap_or("");
            let hashes = t.bytes().take_while(|&b| b == b'#').count();
            if indent <= 3 && (1..=6).contains(&hashes) {
                let after = t.get(hashes..).unwrap_or("");
                let sp = after.len() - after.trim_start_matches([' ', '\t']).len();
                if sp > 0 && !after.trim().is_empty() {
                    let (a, z) = (line.start + indent, line.start + indent + hashes + sp);
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
                    if closing > 0
                        && before_closing.ends_with([' ', '\t'])
                        && !before_closing.trim().is_empty()
                    {
                        let cut = before_closing.len() - before_closing.trim_end().len();
                        let za = line.start + indent + hashes + before_closing.len() - cut;
                        let zz = line.start + indent + hashes + body.len();
                        if za > z && block.editable(za, zz) {
                            edits.push(Edit {
                                start: za,
                                end: zz,
                                with: String::new(),
                            });
                        }
                    }
                }
            }
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

/// Short bullet items joined on one line: "Rules:\n- a\n- b" -> "Rules: a; b".
fn lists(text: &str, doc: &Doc) -> Vec<Group> {
    prose(doc, true)
        .filter_map(|block| {
            let mut edits = Vec::new();
            let n = block.last_line + 1;
            let mut li = block.first_line;
            while li < n {
                let item = |i: usize| -> Option<(usize, char, usize)> {
                    let l = doc.line(i);
                    let s = slice(text, l.start, l.end);
                    let m = list_marker(s)?;
                    let indent = indent_len(s);
                    let c = s.get(indent..)?.chars().next()?;
                    matches!(c, '-' | '*' | '+' | '•').then_some((indent, c, m))
                };
                let Some((indent, c, _)) = item(li) else {
                    li += 1;
                    continue;
                };
                let mut last = li;
                while last + 1 < n
                    && item(last + 1).is_some_and(|(ind, cc, _)| ind == indent && cc == c)
                {
                    last += 1;
                }
                let next_li = last + 1;
                let nested = next_li < n && {
                    let l = doc.line(next_li);
                    indent_len(slice(text, l.start, l.end)) > indent
                };
                let short = (li..=last).all(|i| {
                    let l = doc.line(i);
                    let s = slice(text, l.start, l.end);
                    let content = s.get(item(i).map_or(0, |x| x.2)..).unwrap_or("").trim();
                    !content.is_empty()
                        && content.split_whitespace().count() <= 8
                        && content.len() <= 80
                        && !content.ends_with(':')
                });
                if last > li && !nested && short {
                    let mut list_edits = Vec::new();
                    let lead_in = (li > block.first_line)
                        .then(|| doc.line(li - 1))
                        .filter(|p| {
                            let ps = slice(text, p.start, p.end);
                            ps.trim_end().ends_with(':') && list_marker(ps).is_none()
                        });
                    for i in li..=last {
                        let l = doc.line(i);
                        let marker_end = l.start + item(i).map_or(0, |x| x.2);
                        if i == li {
                            match lead_in {
                                Some(p) => list_edits.push(Edit {
                                    start: p.start + slice(text, p.start, p.end).trim_end().len(),
                                    end: marker_end,
                                    with: " ".to_string(),
                                }),
                                None => list_edits.push(Edit {
                                    start: l.start + indent,
                                    end: marker_end,
                                    with: String::new(),
                                }),
                            }
                        } else {
                            let p = doc.line(i - 1);
                            let ps = slice(text, p.start, p.end).trim_end();
                            let cut = usize::from(ps.ends_with(['.', ';', ',']));
                            list_edits.push(Edit {
                                start: p.start + ps.len() - cut,
                                end: marker_end,
                                with: "; ".to_string(),
                            });
                        }
                    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_inner_apostrophes_and_hyphens() {
        let t = "don't re-use it' -x y-";
        let w: Vec<&str> = words_of(t, 0).iter().map(|w| &t[w.start..w.end]).collect();
        assert_eq!(w, vec!["don't", "re-use", "it", "x", "y"]);
    }

    #[test]
    fn list_markers() {
        assert_eq!(list_marker("- a"), Some(2));
        assert_eq!(list_marker("  12. a"), Some(6));
        assert_eq!(list_marker("-a"), None);
        assert_eq!(list_marker("1999 was"), None);
    }
}
