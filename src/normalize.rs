//! Unicode NFC exactly as Hugging Face `tokenizers` applies it, for Qwen's
//! tokenizer (its normaliser runs before the split).
//!
//! HF normalises with `unicode-normalization-alignments` 0.1.12, whose tables
//! are Unicode 9.0; the tables here are generated from that crate
//! (build/nfc.rs), so marks encoded since 9.0 keep class 0 and the letters
//! composed since 9.0 (U+11938 and others) neither compose nor decompose, as
//! in HF. Python's `unicodedata` and JavaScript's `normalize` follow newer
//! Unicode and differ on such text.
//!
//! Counting calls this on every text, and almost every text is already
//! normalised: a quick-check scan returns it borrowed, skipping ASCII runs,
//! and only the segments the scan flags are rebuilt.

use std::borrow::Cow;

mod tables {
    include!(concat!(env!("OUT_DIR"), "/nfc_tables.rs"));
}

/// Kind bits (build/nfc.rs writes them): the low byte is the combining class.
const YES: u16 = 1 << 8;
const BOUNDARY: u16 = 1 << 9;
/// Has a decomposition in the tables (Hangul syllables are computed).
const DECOMPOSES: u16 = 1 << 10;
/// Composes with some character before it.
const SECOND: u16 = 1 << 11;

const S_BASE: u32 = 0xAC00;
const S_LAST: u32 = 0xD7A3;
const L_BASE: u32 = 0x1100;
const L_LAST: u32 = 0x1112;
const V_BASE: u32 = 0x1161;
const V_LAST: u32 = 0x1175;
const T_BASE: u32 = 0x11A7;
const T_LAST: u32 = 0x11C2;
const T_COUNT: u32 = 28;
const N_COUNT: u32 = 21 * T_COUNT;

/// `text` in NFC, as HF `tokenizers`' `NFC` normaliser gives it; borrowed
/// exactly when the text is already normalised.
pub fn nfc(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut rebuild = Rebuild::default();
    // The segment being scanned starts at a boundary character (or at 0) and
    // is dirty once the quick check fails in it.
    let mut segment = 0;
    let mut dirty = false;
    let mut last_class = 0u8;
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte < 0x80 {
            if dirty {
                rebuild.segment(text, segment, i);
                dirty = false;
            }
            i += ascii_run(bytes, i);
            // Its last character may still compose with a mark after it.
            segment = i - 1;
            last_class = 0;
            continue;
        }
        let (c, len) = decode(bytes, i);
        let kind = kind(c);
        if kind & BOUNDARY != 0 {
            if dirty {
                rebuild.segment(text, segment, i);
                dirty = false;
            }
            segment = i;
            last_class = 0;
        } else {
            let class = kind as u8;
            if kind & YES == 0 || (class != 0 && class < last_class) {
                dirty = true;
            }
            last_class = class;
        }
        i += len;
    }
    if dirty {
        rebuild.segment(text, segment, text.len());
    }
    rebuild.finish(text)
}

/// The output, allocated only when a segment changes.
#[derive(Default)]
struct Rebuild {
    out: Option<String>,
    /// `out` holds the normalised form of `text[..copied]`.
    copied: usize,
    scratch: Vec<(u8, char)>,
    spare: Vec<(u8, char)>,
}

impl Rebuild {
    /// Normalises `text[start..end]`, which starts at a boundary and ends at
    /// one (or at the end), so no character outside it can change it.
    fn segment(&mut self, text: &str, start: usize, end: usize) {
        let Some(original) = text.get(start..end) else {
            return;
        };
        self.scratch.clear();
        for c in original.chars() {
            decompose(c, &mut self.scratch);
        }
        for marks in self.scratch.split_mut(|&(class, _)| class == 0) {
            order(marks, &mut self.spare);
        }
        let len = compose(&mut self.scratch);
        let normalised = self.scratch.get(..len).unwrap_or_default();
        if normalised.iter().map(|&(_, c)| c).eq(original.chars()) {
            return;
        }
        let out = self
            .out
            .get_or_insert_with(|| String::with_capacity(text.len() + 8));
        out.push_str(text.get(self.copied..start).unwrap_or_default());
        out.extend(normalised.iter().map(|&(_, c)| c));
        self.copied = end;
    }

    fn finish(self, text: &str) -> Cow<'_, str> {
        match self.out {
            None => Cow::Borrowed(text),
            Some(mut out) => {
                out.push_str(text.get(self.copied..).unwrap_or_default());
                Cow::Owned(out)
            }
        }
    }
}

/// Canonical ordering of a run of marks: a stable sort by class. Runs are
/// short (insertion sort); a long one, which only odd or hostile text has,
/// gets a counting sort, so no input takes quadratic time. (Neither pulls in
/// the standard library's sorts, large in wasm.)
fn order(marks: &mut [(u8, char)], spare: &mut Vec<(u8, char)>) {
    if marks.len() <= 32 {
        for i in 1..marks.len() {
            let mut j = i;
            while j > 0 && marks.get(j - 1).map(|m| m.0) > marks.get(j).map(|m| m.0) {
                marks.swap(j - 1, j);
                j -= 1;
            }
        }
        return;
    }
    // Each class's first slot: the counts, then their running sums.
    let mut starts = [0usize; 256];
    for &(class, _) in marks.iter() {
        if let Some(n) = starts.get_mut(usize::from(class)) {
            *n += 1;
        }
    }
    let mut sum = 0;
    for start in starts.iter_mut() {
        let n = *start;
        *start = sum;
        sum += n;
    }
    spare.clear();
    spare.resize(marks.len(), (0, '\0'));
    for &mark in marks.iter() {
        if let Some(at) = starts.get_mut(usize::from(mark.0)) {
            if let Some(slot) = spare.get_mut(*at) {
                *slot = mark;
            }
            *at += 1;
        }
    }
    marks.copy_from_slice(spare);
}

/// The length of the ASCII run at `start` (at least 1: `start` is ASCII).
fn ascii_run(bytes: &[u8], start: usize) -> usize {
    let rest = bytes.get(start..).unwrap_or_default();
    let mut n = 0;
    // Eight bytes at a time: the common case is long ASCII text.
    while let Some(chunk) = rest.get(n..n + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if u64::from_le_bytes(word) & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        n += 8;
    }
    n + rest
        .get(n..)
        .unwrap_or_default()
        .iter()
        .position(|&b| b >= 0x80)
        .unwrap_or(rest.len().saturating_sub(n))
}

/// The code point that starts at `i` (a non-ASCII lead byte of valid UTF-8)
/// and its length in bytes.
fn decode(bytes: &[u8], i: usize) -> (u32, usize) {
    let at = |k: usize| u32::from(bytes.get(i + k).copied().unwrap_or(0));
    let lead = at(0);
    if lead < 0xE0 {
        (((lead & 0x1F) << 6) | (at(1) & 0x3F), 2)
    } else if lead < 0xF0 {
        let c = ((lead & 0x0F) << 12) | ((at(1) & 0x3F) << 6) | (at(2) & 0x3F);
        (c, 3)
    } else {
        let c = ((lead & 0x07) << 18) | ((at(1) & 0x3F) << 12) | ((at(2) & 0x3F) << 6);
        (c | (at(3) & 0x3F), 4)
    }
}

/// The kind of a code point: its class and its quick-check bits.
fn kind(c: u32) -> u16 {
    const PLAIN: u16 = YES | BOUNDARY;
    if c >= tables::LIMIT {
        return PLAIN;
    }
    let (mid, low) = (tables::MID_SHIFT, tables::LOW_SHIFT);
    let top = tables::TOP
        .get((c >> (mid + low)) as usize)
        .copied()
        .unwrap_or(0);
    let at = (usize::from(top) << mid) | ((c >> low) & ((1 << mid) - 1)) as usize;
    let leaf = tables::MIDDLE.get(at).copied().unwrap_or(0);
    let at = (usize::from(leaf) << low) | (c & ((1 << low) - 1)) as usize;
    let id = tables::LEAVES.get(at).copied().unwrap_or(0);
    tables::KINDS.get(usize::from(id)).copied().unwrap_or(PLAIN)
}

fn class(c: char) -> u8 {
    kind(c as u32) as u8
}

/// Appends the full canonical decomposition of `c`, each with its class.
fn decompose(c: char, out: &mut Vec<(u8, char)>) {
    let u = c as u32;
    let kind = kind(u);
    if (S_BASE..=S_LAST).contains(&u) {
        let s = u - S_BASE;
        let t = s % T_COUNT;
        let jamo = [
            L_BASE + s / N_COUNT,
            V_BASE + (s % N_COUNT) / T_COUNT,
            T_BASE + t,
        ];
        let len = if t == 0 { 2 } else { 3 };
        out.extend(
            jamo.iter()
                .take(len)
                .filter_map(|&j| char::from_u32(j))
                .map(|j| (0, j)),
        );
    } else if kind & DECOMPOSES == 0 {
        out.push((kind as u8, c));
    } else if let Some((a, b)) = pair_of(c) {
        // A primary composite: its parts may be composites too (at most
        // three levels deep in the data).
        decompose(a, out);
        decompose(b, out);
    } else if let Ok(at) = tables::SINGLE_KEYS.binary_search(&c) {
        let one = tables::SINGLES.get(at).copied().unwrap_or(c);
        out.push((class(one), one));
    } else if let Ok(at) = tables::MULTI_KEYS.binary_search(&c) {
        let parts = tables::MULTIS.get(at).map_or(&[][..], |p| &p[..]);
        out.extend(parts.iter().filter(|&&d| d != '\0').map(|&d| (class(d), d)));
    } else {
        out.push((class(c), c));
    }
}

/// The pair a primary composite (Hangul apart) is composed of.
fn pair_of(c: char) -> Option<(char, char)> {
    let order = &tables::BY_COMPOSITE;
    let composite = |i: &u16| tables::COMPOSED.get(usize::from(*i)).copied();
    let at = order
        .binary_search_by(|i| composite(i).cmp(&Some(c)))
        .ok()?;
    let index = usize::from(*order.get(at)?);
    tables::PAIRS.get(index).copied()
}

/// Canonical composition in place, as HF's crate composes a decomposed,
/// ordered stream; returns the new length.
fn compose(chars: &mut [(u8, char)]) -> usize {
    let mut starter: Option<usize> = None;
    // The class of the last character kept since the starter (None: none).
    let mut last: Option<u8> = None;
    let mut kept = 0;
    for read in 0..chars.len() {
        let Some(&(class, c)) = chars.get(read) else {
            break;
        };
        if let Some(s) = starter {
            let blocked = last.is_some_and(|l| l >= class);
            if !blocked {
                if let Some(slot) = chars.get_mut(s) {
                    if let Some(composed) = pair(slot.1, c) {
                        slot.1 = composed;
                        continue;
                    }
                }
            }
        }
        if class == 0 {
            starter = Some(kept);
            last = None;
        } else {
            last = Some(class);
        }
        if let Some(slot) = chars.get_mut(kept) {
            *slot = (class, c);
        }
        kept += 1;
    }
    kept
}

/// The primary composite of `a` and `b`, if there is one.
fn pair(a: char, b: char) -> Option<char> {
    let (x, y) = (a as u32, b as u32);
    if kind(y) & SECOND == 0 {
        return None;
    }
    if (L_BASE..=L_LAST).contains(&x) && (V_BASE..=V_LAST).contains(&y) {
        return char::from_u32(S_BASE + (x - L_BASE) * N_COUNT + (y - V_BASE) * T_COUNT);
    }
    if (S_BASE..=S_LAST).contains(&x) && (T_BASE + 1..=T_LAST).contains(&y) {
        return ((x - S_BASE) % T_COUNT == 0)
            .then(|| char::from_u32(x + y - T_BASE))
            .flatten();
    }
    let at = tables::PAIRS.binary_search(&(a, b)).ok()?;
    tables::COMPOSED.get(at).copied()
}
