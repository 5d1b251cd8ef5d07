//! Grapheme cuts against Unicode's own GraphemeBreakTest (16.0.0, the Unicode
//! version of the library's tables; tests/data/GraphemeBreakTest-16.0.0.txt,
//! with its source and licence), not against the library's own boundary
//! check.
//!
//! The check in src/trim/grapheme.rs is conservative by design: "a place it
//! calls a boundary is one ...; a few real boundaries are missed (after a ZWJ
//! that is not followed by a pictograph, after a virama that is not followed
//! by a consonant, before a few prepended marks)". So, for every line of
//! Unicode's file:
//! - every place it calls a boundary is a break (÷) there;
//! - every break it misses is one of the documented kinds;
//! - truncate_text and split_by_tokens cut only at breaks (docs/api.md, "Cuts
//!   fall on token boundaries that are also grapheme boundaries").
//!
//! Promises that had no independent test before, and the test that checks
//! each now:
//! - grapheme cut points, compared with Unicode rather than with
//!   is_grapheme_boundary: `every_boundary_it_reports_is_a_unicode_break`,
//!   `truncation_cuts_only_at_unicode_breaks`,
//!   `splitting_cuts_only_at_unicode_breaks`.

use std::collections::BTreeSet;

use tokenmeter::trim::{is_grapheme_boundary, split_by_tokens, truncate_text, Keep};
use tokenmeter::Catalogue;

const FILE: &str = include_str!("data/GraphemeBreakTest-16.0.0.txt");

struct Case {
    line: &'static str,
    text: String,
    /// Byte offsets of the breaks (÷), both ends included.
    breaks: BTreeSet<usize>,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for line in FILE.lines() {
        let data = line.split('#').next().unwrap_or("").trim();
        if data.is_empty() {
            continue;
        }
        let mut text = String::new();
        let mut breaks = BTreeSet::new();
        for item in data.split_whitespace() {
            match item {
                "÷" => {
                    breaks.insert(text.len());
                }
                "×" => {}
                hex => {
                    let cp = u32::from_str_radix(hex, 16).unwrap();
                    let c = char::from_u32(cp)
                        .unwrap_or_else(|| panic!("{line}: {hex} is not a scalar value"));
                    text.push(c);
                }
            }
        }
        out.push(Case { line, text, breaks });
    }
    // Unicode 16.0.0's file has 1,093 lines; an empty or cut file fails here.
    assert_eq!(out.len(), 1093, "test lines read from {FILE:.40}");
    out
}

#[test]
fn every_boundary_it_reports_is_a_unicode_break() {
    let mut reported = 0;
    for case in cases() {
        for at in 0..=case.text.len() {
            if is_grapheme_boundary(&case.text, at) {
                reported += 1;
                assert!(
                    case.breaks.contains(&at),
                    "{}: a boundary at byte {at}, where Unicode has none",
                    case.line
                );
            }
        }
    }
    // Both ends of every line, and most of the breaks inside (747 of them
    // with the Unicode 16 file; it_misses_only_the_documented_breaks says
    // which ones are missed).
    assert!(reported > 2 * 1093 + 600, "{reported} boundaries reported");
}

/// The kinds of break the module documents that it misses: after a ZWJ, after
/// a virama (a conjunct linker), before a prepended mark, and the chains
/// that GB9c and GB11 span (a linker or a ZWJ reaches back over extenders).
fn documented_miss(text: &str, at: usize) -> bool {
    let prev = text[..at].chars().next_back();
    let next = text[at..].chars().next();
    let (Some(prev), Some(next)) = (prev, next) else {
        return false;
    };
    let zwj = prev == '\u{200D}';
    // Indic_Conjunct_Break=Linker: the viramas of Devanagari, Bengali,
    // Gujarati, Oriya, Telugu and Malayalam.
    let virama = matches!(
        prev,
        '\u{094D}' | '\u{09CD}' | '\u{0ACD}' | '\u{0B4D}' | '\u{0C4D}' | '\u{0D4D}'
    );
    // Grapheme_Cluster_Break=Prepend (the samples Unicode's file uses, and
    // their blocks).
    let prepend = matches!(next, '\u{0600}'..='\u{0605}' | '\u{06DD}' | '\u{070F}' | '\u{0890}'..='\u{0891}' | '\u{08E2}' | '\u{0D4E}' | '\u{110BD}' | '\u{110CD}' | '\u{111C2}'..='\u{111C3}');
    // A chain: a linker or a ZWJ somewhere before, with only extenders
    // between it and this place.
    let chained = text[..at]
        .chars()
        .rev()
        .take_while(|c| !c.is_alphanumeric() || is_mark(*c))
        .any(|c| {
            c == '\u{200D}'
                || matches!(
                    c,
                    '\u{094D}' | '\u{09CD}' | '\u{0ACD}' | '\u{0B4D}' | '\u{0C4D}' | '\u{0D4D}'
                )
        });
    zwj || virama || prepend || chained
}

/// Combining marks of the blocks Unicode's samples use (general categories
/// Mn and Mc in Combining Diacritical Marks and the Indic blocks).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0900}'..='\u{0903}' | '\u{093A}'..='\u{094F}' | '\u{0951}'..='\u{0957}' | '\u{0962}'..='\u{0963}')
}

#[test]
fn it_misses_only_the_documented_breaks() {
    let mut missed = 0;
    let mut inside = 0;
    for case in cases() {
        for &at in &case.breaks {
            if at == 0 || at == case.text.len() {
                continue;
            }
            inside += 1;
            if !is_grapheme_boundary(&case.text, at) {
                missed += 1;
                assert!(
                    documented_miss(&case.text, at),
                    "{}: the break at byte {at} is missed, and it is not one the module documents",
                    case.line
                );
            }
        }
    }
    // The misses are the exception: most breaks inside a line are found.
    assert!(missed * 10 < inside, "{missed} of {inside} breaks missed");
}

/// Each line's text, with a word before and after so that there is
/// something to keep and to cut (a space and a letter break from any
/// cluster, so the file's breaks, shifted, still hold inside).
fn framed(case: &Case) -> (String, BTreeSet<usize>) {
    let before = "Tokens ";
    let text = format!("{before}{} end", case.text);
    let mut breaks: BTreeSet<usize> = (0..=before.len())
        .filter(|&i| before.is_char_boundary(i))
        .collect();
    breaks.extend(case.breaks.iter().map(|b| b + before.len()));
    let after = before.len() + case.text.len();
    breaks.extend((after..=text.len()).filter(|&i| text.is_char_boundary(i)));
    (text, breaks)
}

/// Lines whose text starts or ends with a character that joins across the
/// frame (a prepended mark before the end, an extender after the start, a
/// ZWJ or a linker at the end) do not keep their breaks once framed.
fn frame_holds(case: &Case) -> bool {
    let first = case.text.chars().next();
    let last = case.text.chars().next_back();
    let joins_before = first.is_some_and(|c| {
        is_mark(c)
            || c == '\u{200D}'
            || c == '\u{200C}'
            || c as u32 >= 0x1F3FB && c as u32 <= 0x1F3FF
            || c == '\u{034F}'
            || c == '\u{0A03}'
            || c == '\u{0903}'
    });
    let joins_after =
        last.is_some_and(|c| documented_miss(&format!("{c}x"), c.len_utf8()) || c == '\u{200D}');
    !joins_before
        && !joins_after
        && !case.text.contains('\r')
        && !case.text.chars().any(|c| c.is_control())
}

#[test]
fn truncation_cuts_only_at_unicode_breaks() {
    let model = "gpt-4o";
    let mut cuts = 0;
    for case in cases().iter().filter(|c| frame_holds(c)) {
        let (text, breaks) = framed(case);
        let tokenizer = Catalogue::bundled().tokenizer(model).unwrap();
        let whole = tokenizer.count_ordinary(&text);
        for max in 1..whole as u64 {
            for keep in [Keep::Start, Keep::End] {
                let out = truncate_text(&text, max, &tokenizer, keep, "").unwrap();
                let at = match keep {
                    Keep::Start => {
                        assert!(text.starts_with(&out), "{}: {out:?}", case.line);
                        out.len()
                    }
                    _ => {
                        assert!(text.ends_with(&out), "{}: {out:?}", case.line);
                        text.len() - out.len()
                    }
                };
                cuts += 1;
                assert!(
                    breaks.contains(&at),
                    "{}: truncate_text({keep:?}, {max}) cut {text:?} at byte {at}, inside a cluster",
                    case.line
                );
            }
        }
    }
    assert!(cuts > 5_000, "only {cuts} cuts checked");
}

#[test]
fn splitting_cuts_only_at_unicode_breaks() {
    let model = "gpt-4o";
    let tokenizer = Catalogue::bundled().tokenizer(model).unwrap();
    let mut cuts = 0;
    for case in cases().iter().filter(|c| frame_holds(c)) {
        let (text, breaks) = framed(case);
        // A cluster bigger than a chunk is cut between its characters (the
        // README); chunks of two tokens more than the line's whole text hold
        // its clusters whole wherever the chunk starts.
        let size = tokenizer.count_ordinary(&case.text) as u64 + 2;
        for size in [size, size + 1] {
            let chunks = split_by_tokens(&text, &tokenizer, Some(model), size, 0).unwrap();
            assert_eq!(chunks.concat(), text, "{}", case.line);
            let mut at = 0;
            for c in &chunks[..chunks.len() - 1] {
                at += c.len();
                cuts += 1;
                assert!(
                    breaks.contains(&at),
                    "{}: split_by_tokens({size}) cut {text:?} at byte {at}, inside a cluster: {chunks:?}",
                    case.line
                );
            }
        }
    }
    assert!(cuts > 200, "only {cuts} cuts checked");
}
