//! Character classes: the generated Unicode tables (build/unicode.rs) and
//! the predicates the patterns are written in.

mod generated {
    include!(concat!(env!("OUT_DIR"), "/unicode_classes.rs"));
}

pub(super) use generated::{LOWER, MARK, NUMBER, OTHER_LETTER, PUNCT, SPACE, UPPER};

/// Controls, format chars, private use and unassigned code points.
pub(super) const OTHER: u8 = 0;

/// ASCII classes, looked up without touching the Unicode tables.
pub(super) static ASCII: [u8; 128] = ascii_classes(PUNCT);

/// The same, with punctuation and symbols as [`OTHER`]: tiktoken's patterns
/// do not tell them apart, and their byte fast paths compare one class.
pub(super) static ASCII_MERGED: [u8; 128] = ascii_classes(OTHER);

// Evaluated at compile time: an out-of-bounds index would fail the build.
#[allow(clippy::indexing_slicing)]
const fn ascii_classes(punct: u8) -> [u8; 128] {
    let mut t = [OTHER; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = if b.is_ascii_uppercase() {
            UPPER
        } else if b.is_ascii_lowercase() {
            LOWER
        } else if b.is_ascii_digit() {
            NUMBER
        } else if matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            SPACE
        } else if b.is_ascii_punctuation() {
            punct
        } else {
            OTHER
        };
        c += 1;
    }
    t
}

#[inline]
pub(super) fn class_of(c: char) -> u8 {
    let cp = c as u32;
    if cp < 128 {
        return ASCII.get(cp as usize).copied().unwrap_or(OTHER);
    }
    let block = generated::BLOCK_INDEX
        .get((cp >> generated::BLOCK_SHIFT) as usize)
        .copied()
        .unwrap_or(0) as usize;
    let offset = (cp & ((1 << generated::BLOCK_SHIFT) - 1)) as usize;
    generated::BLOCKS
        .get((block << generated::BLOCK_SHIFT) + offset)
        .copied()
        .unwrap_or(OTHER)
}

/// `\p{L}`
#[inline]
pub(super) fn is_letter(k: u8) -> bool {
    matches!(k, UPPER | LOWER | OTHER_LETTER)
}

/// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`
#[inline]
pub(super) fn is_upper_set(k: u8) -> bool {
    matches!(k, UPPER | OTHER_LETTER | MARK)
}

/// `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`
#[inline]
pub(super) fn is_lower_set(k: u8) -> bool {
    matches!(k, LOWER | OTHER_LETTER | MARK)
}

/// `[^\s\p{L}\p{N}]`
#[inline]
pub(super) fn is_punct(k: u8) -> bool {
    matches!(k, OTHER | MARK | PUNCT)
}

/// `[\p{L}\p{M}]`
#[inline]
pub(super) fn is_letter_or_mark(k: u8) -> bool {
    matches!(k, UPPER | LOWER | OTHER_LETTER | MARK)
}
