//! Token offsets into the text as given when normalisation (Qwen 2's NFC)
//! changed the bytes the tokens spell.
//!
//! An ASCII char followed by another ASCII char (or the end) comes out of
//! NFC unchanged and nothing before it can combine with it or with what
//! follows, so the text is normalised stretch by stretch between runs of
//! such chars: a stretch that NFC leaves alone maps byte for byte, and a
//! token that starts inside a stretch it changed starts, in the original,
//! where that stretch starts.

use std::borrow::Cow;

/// One stretch of the original text and of its normalised form.
struct Stretch {
    raw_start: usize,
    norm_start: usize,
    unchanged: bool,
}

/// The offsets in `raw` of the token starts `norm_starts` (offsets in the
/// normalised text, ascending), given the `normalize` that made it.
pub(crate) fn to_original<'a>(
    raw: &'a str,
    norm_starts: &[usize],
    normalize: impl Fn(&'a str) -> Cow<'a, str>,
) -> Vec<usize> {
    let mut stretches: Vec<Stretch> = Vec::new();
    let mut norm_len = 0;
    for (start, end, stable) in runs(raw) {
        let piece = raw.get(start..end).unwrap_or("");
        let out = if stable {
            Cow::Borrowed(piece)
        } else {
            normalize(piece)
        };
        stretches.push(Stretch {
            raw_start: start,
            norm_start: norm_len,
            unchanged: *out == *piece,
        });
        norm_len += out.len();
    }
    if norm_len != normalize(raw).len() {
        // Not a normalisation that works stretch by stretch: one stretch.
        stretches = vec![Stretch {
            raw_start: 0,
            norm_start: 0,
            unchanged: false,
        }];
    }
    norm_starts
        .iter()
        .map(|&o| {
            let i = stretches.partition_point(|s| s.norm_start <= o);
            match i.checked_sub(1).and_then(|i| stretches.get(i)) {
                Some(s) if s.unchanged => s.raw_start + (o - s.norm_start),
                Some(s) => s.raw_start,
                None => 0,
            }
        })
        .collect()
}

/// The text as runs `(start, end, stable)`: stable runs are ASCII chars
/// each followed by an ASCII char or the end, which NFC keeps as they are.
fn runs(raw: &str) -> Vec<(usize, usize, bool)> {
    let bytes = raw.as_bytes();
    let stable = |p: usize| {
        bytes.get(p).is_some_and(u8::is_ascii) && bytes.get(p + 1).is_none_or(u8::is_ascii)
    };
    let mut out: Vec<(usize, usize, bool)> = Vec::new();
    for (p, c) in raw.char_indices() {
        let s = stable(p);
        let end = p + c.len_utf8();
        match out.last_mut() {
            Some(last) if last.2 == s => last.1 = end,
            _ => out.push((p, end, s)),
        }
    }
    out
}

#[cfg(all(test, feature = "nfc"))]
mod tests {
    use super::*;
    use crate::normalize::nfc;

    /// Every char start of the normalised text maps into the original: byte
    /// for byte where NFC left the text alone, to the changed stretch's
    /// start elsewhere.
    #[test]
    fn offsets_map_back_through_nfc() {
        let raw = "cafe\u{301} and A\u{30a}ngstro\u{308}m, \u{212b}! plain ascii";
        let norm = nfc(raw);
        assert_ne!(*norm, *raw);
        let starts: Vec<usize> = norm.char_indices().map(|(i, _)| i).collect();
        let mapped = to_original(raw, &starts, |s| nfc(s));
        for (&o, &m) in starts.iter().zip(&mapped) {
            assert!(raw.is_char_boundary(m), "{o} -> {m}");
        }
        // "caf" and "plain ascii" map exactly; "é" maps to where "e\u{301}" starts.
        let at = |needle: &str| norm.find(needle).unwrap();
        let map = |o: usize| mapped[starts.iter().position(|&s| s == o).unwrap()];
        assert_eq!(map(0), 0);
        assert_eq!(map(at("é")), raw.find("e\u{301}").unwrap());
        assert_eq!(map(at("plain")), raw.find("plain").unwrap());
        assert_eq!(map(at("Å")), raw.find("A\u{30a}").unwrap());
        assert!(mapped.windows(2).all(|w| w[0] <= w[1]));
    }
}
