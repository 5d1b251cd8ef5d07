//! Reading the packed piece table (`format.rs`) into the lookups encoding
//! needs: a hash index from bytes to normal pieces, the byte-fallback ids,
//! and the user-defined and control pieces for leftmost-longest matching.

use super::format::{Bits, BYTE, CHAR, CONTROL, LITERAL, USER};
use super::{PieceKind, SentencePiece, SPACE};

/// The sections of a blob, as build/spm.rs lays them out.
struct Sections<'a> {
    count: usize,
    lefts: &'a [u8],
    rights: &'a [u8],
    chars: &'a str,
    literal: &'a [u8],
    bits: Bits<'a>,
}

/// `[u32 len][len bytes]` at the front of `rest`, and what follows.
fn section(rest: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, rest) = rest.split_first_chunk::<4>()?;
    rest.split_at_checked(u32::from_le_bytes(*len) as usize)
}

impl<'a> Sections<'a> {
    fn read(blob: &'a [u8]) -> Option<Sections<'a>> {
        let (count, rest) = blob.split_first_chunk::<4>()?;
        let count = u32::from_le_bytes(*count) as usize;
        let (lefts, rest) = rest.split_at_checked(count)?;
        let (rights, rest) = rest.split_at_checked(count)?;
        let (chars, rest) = section(rest)?;
        let (literal, bits) = section(rest)?;
        Some(Sections {
            count,
            lefts,
            rights,
            chars: std::str::from_utf8(chars).ok()?,
            literal,
            bits: Bits::new(bits),
        })
    }
}

/// Where a piece's bytes are in [`SentencePiece::bytes`].
#[derive(Clone, Copy, Default)]
pub(super) struct Span {
    pub start: u32,
    pub len: u8,
    pub kind: PieceKind,
}

impl SentencePiece {
    /// Reads a blob written by build.rs; `None` if it is malformed, which
    /// only a broken build can cause. The chars section is copied whole to
    /// the front of the bytes; every other piece is appended in id order,
    /// a pair of earlier pieces as two copies.
    pub(crate) fn from_blob(blob: &[u8]) -> Option<SentencePiece> {
        let mut s = Sections::read(blob)?;
        let mut spans = vec![Span::default(); s.count];
        let mut bytes = Vec::with_capacity(s.count * 10);
        bytes.extend_from_slice(s.chars.as_bytes());
        let mut chars = s.chars.char_indices();
        let mut char_ids = Vec::new();
        for (id, (&left, span)) in s.lefts.iter().zip(spans.iter_mut()).enumerate() {
            if left == CHAR {
                let (at, c) = chars.next()?;
                *span = Span {
                    start: u32::try_from(at).ok()?,
                    len: c.len_utf8() as u8,
                    kind: PieceKind::Normal,
                };
                char_ids.push(id);
            }
        }
        if chars.next().is_some() {
            return None;
        }
        let n_chars = char_ids.len() as u32;
        // A value names the n-th one-char piece or an earlier id (format.rs).
        let part = |value: u32, id: usize, spans: &[Span]| -> Option<Span> {
            let part_id = match value.checked_sub(n_chars) {
                None => *char_ids.get(value as usize)?,
                Some(earlier) => Some(earlier as usize).filter(|&e| e < id)?,
            };
            spans.get(part_id).copied()
        };
        let mut byte_ids = [u32::MAX; 256];
        for (id, (&left, &right)) in s.lefts.iter().zip(s.rights).enumerate() {
            let span = match left {
                CHAR => continue,
                BYTE => {
                    let byte = u8::try_from(s.bits.value(right)?).ok()?;
                    let slot = byte_ids.get_mut(usize::from(byte))?;
                    if *slot != u32::MAX {
                        return None;
                    }
                    *slot = u32::try_from(id).ok()?;
                    append(&mut bytes, &[byte], PieceKind::Byte)?
                }
                CONTROL | USER | LITERAL => {
                    let (piece, rest) = s.literal.split_at_checked(s.bits.value(right)? as usize)?;
                    s.literal = rest;
                    let kind = match left {
                        CONTROL => PieceKind::Control,
                        USER => PieceKind::User,
                        _ => PieceKind::Normal,
                    };
                    std::str::from_utf8(piece).ok()?;
                    append(&mut bytes, piece, kind)?
                }
                _ if left < LITERAL => {
                    let a = part(s.bits.value(left)?, id, &spans)?;
                    let b = part(s.bits.value(right)?, id, &spans)?;
                    if a.kind != PieceKind::Normal || b.kind != PieceKind::Normal {
                        return None;
                    }
                    let start = u32::try_from(bytes.len()).ok()?;
                    for p in [a, b] {
                        let from = p.start as usize;
                        bytes.extend_from_within(from..from.checked_add(usize::from(p.len))?);
                    }
                    Span {
                        start,
                        len: a.len.checked_add(b.len)?,
                        kind: PieceKind::Normal,
                    }
                }
                _ => return None,
            };
            *spans.get_mut(id)? = span;
        }
        if !s.bits.is_spent() || !s.literal.is_empty() || byte_ids.contains(&u32::MAX) {
            return None;
        }
        SentencePiece::index(bytes, spans, byte_ids)
    }
}

/// Appends a piece stored whole; its span.
fn append(bytes: &mut Vec<u8>, piece: &[u8], kind: PieceKind) -> Option<Span> {
    let start = u32::try_from(bytes.len()).ok()?;
    bytes.extend_from_slice(piece);
    Some(Span {
        start,
        len: u8::try_from(piece.len()).ok()?,
        kind,
    })
}

/// Hashes whole 8-byte words, then the tail as one more word read from its
/// two ends (overlapping), so that every load has a constant width.
#[inline]
pub(super) fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mix = |h: u64, w: u64| (h.rotate_left(26) ^ w).wrapping_mul(K);
    let mut h = bytes.len() as u64;
    let mut rest = bytes;
    while let Some((word, tail)) = rest.split_first_chunk::<8>() {
        h = mix(h, u64::from_le_bytes(*word));
        rest = tail;
    }
    if let (Some(first), Some(last)) = (rest.first_chunk::<4>(), rest.last_chunk::<4>()) {
        let (lo, hi) = (u32::from_le_bytes(*first), u32::from_le_bytes(*last));
        h = mix(h, u64::from(lo) | u64::from(hi) << 32);
    } else if let (Some(&a), Some(&b), Some(&c)) =
        (rest.first(), rest.get(rest.len() / 2), rest.last())
    {
        h = mix(h, u64::from(a) | u64::from(b) << 8 | u64::from(c) << 16);
    }
    h.wrapping_mul(0xD6E8_FEB8_6659_FD93)
}

impl SentencePiece {
    /// Indexes the normal pieces by an open-addressing hash table (a cell
    /// holds `id + 1` below a tag of the hash, 0 when empty), and gathers
    /// the user-defined and control pieces.
    fn index(bytes: Vec<u8>, spans: Vec<Span>, byte_ids: [u32; 256]) -> Option<SentencePiece> {
        let normal = spans.iter().filter(|s| s.kind == PieceKind::Normal).count();
        let bits = (normal * 3 / 2 + 1)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let id_bits = u32::BITS - u32::try_from(spans.len() + 1).ok()?.leading_zeros();
        let mut sp = SentencePiece {
            bytes,
            spans,
            byte_ids,
            index: vec![0; 1 << bits],
            shift: 64 - bits,
            id_mask: u32::MAX
                .checked_shr(u32::BITS - id_bits)
                .unwrap_or(u32::MAX),
            ascii: [u32::MAX; 128],
            users: Vec::new(),
            user_first: [(0, 0); 256],
            controls: Vec::new(),
            space_joins: Vec::new(),
            spaces_cut: false,
            run_chars: Vec::new(),
        };
        let mask = sp.index.len() - 1;
        for id in 0..sp.spans.len() as u32 {
            let span = *sp.spans.get(id as usize)?;
            match span.kind {
                PieceKind::User => sp.users.push(id),
                PieceKind::Control => sp.controls.push(id),
                PieceKind::Byte => {}
                PieceKind::Normal => {
                    let (mut slot, tag) = sp.slot(sp.piece_bytes(span)?);
                    loop {
                        let cell = sp.index.get_mut(slot)?;
                        if *cell == 0 {
                            *cell = tag | (id + 1);
                            break;
                        }
                        slot = (slot + 1) & mask;
                    }
                    if let (1, Some(&b)) = (span.len, sp.bytes.get(span.start as usize)) {
                        if let Some(slot) = sp.ascii.get_mut(usize::from(b)) {
                            *slot = id;
                        }
                    }
                }
            }
        }
        sp.prepare_matching()?;
        Some(sp)
    }

    #[inline]
    fn slot(&self, bytes: &[u8]) -> (usize, u32) {
        let h = hash(bytes);
        ((h >> self.shift) as usize, h as u32 & !self.id_mask)
    }

    #[inline]
    pub(super) fn piece_bytes(&self, span: Span) -> Option<&[u8]> {
        let start = span.start as usize;
        self.bytes.get(start..start + usize::from(span.len))
    }

    /// The id of the normal piece spelt by exactly `bytes`.
    #[inline]
    pub(super) fn normal(&self, bytes: &[u8]) -> Option<u32> {
        if let [b] = *bytes {
            return self
                .ascii
                .get(usize::from(b))
                .copied()
                .filter(|&id| id != u32::MAX);
        }
        let mask = self.index.len() - 1;
        let (mut slot, tag) = self.slot(bytes);
        loop {
            let cell = *self.index.get(slot)?;
            if cell == 0 {
                return None;
            }
            if cell & !self.id_mask == tag {
                let id = (cell & self.id_mask) - 1;
                let span = *self.spans.get(id as usize)?;
                if self.piece_bytes(span) == Some(bytes) {
                    return Some(id);
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Sorts the user-defined pieces for [`SentencePiece::longest_user`] and
    /// works out where a text can be cut (`space_joins`, `run_chars`).
    fn prepare_matching(&mut self) -> Option<()> {
        let mut users = std::mem::take(&mut self.users);
        users.sort_by(|&a, &b| self.piece(a).cmp(&self.piece(b)));
        for (i, &id) in users.iter().enumerate() {
            let first = *self.piece(id)?.first()?;
            let range = self.user_first.get_mut(usize::from(first))?;
            if range.1 == 0 {
                range.0 = i as u32;
            }
            range.1 = i as u32 + 1;
        }
        self.users = users;
        self.space_joins = self.chars_before_inner_space();
        self.spaces_cut = self.users.iter().all(|&id| {
            let text = self.piece(id).and_then(|p| std::str::from_utf8(p).ok());
            text.is_some_and(|t| !t.contains(SPACE) || t.chars().all(|c| c == SPACE))
        });
        self.run_chars = ['\n', '\t']
            .into_iter()
            .filter(|&c| self.is_run_char(c))
            .collect();
        Some(())
    }

    /// The chars that precede a [`SPACE`] inside some normal piece (for
    /// Gemma 3, `>` of `>▁</`). Before any other char, a space starts a
    /// unit no merge crosses.
    fn chars_before_inner_space(&self) -> Vec<char> {
        let mut joins = Vec::new();
        for span in &self.spans {
            if span.kind != PieceKind::Normal {
                continue;
            }
            let Some(text) = self
                .piece_bytes(*span)
                .and_then(|p| std::str::from_utf8(p).ok())
            else {
                continue;
            };
            let mut prev = None;
            for c in text.chars() {
                if let (SPACE, Some(p)) = (c, prev) {
                    if !joins.contains(&p) {
                        joins.push(p);
                    }
                }
                prev = Some(c);
            }
        }
        joins
    }

    /// Whether `c` is in no normal piece and the user-defined pieces that
    /// hold it are exactly the runs of it from length 1 up: then every run
    /// of `c` is user-defined pieces, and no piece crosses its ends.
    fn is_run_char(&self, c: char) -> bool {
        let mut lens = Vec::new();
        for span in &self.spans {
            let Some(text) = self
                .piece_bytes(*span)
                .and_then(|p| std::str::from_utf8(p).ok())
            else {
                continue;
            };
            if !text.contains(c) {
                continue;
            }
            if span.kind != PieceKind::User || text.chars().any(|x| x != c) {
                return false;
            }
            lens.push(text.chars().count());
        }
        lens.sort_unstable();
        !lens.is_empty() && lens.iter().enumerate().all(|(i, &n)| n == i + 1)
    }

    /// The longest user-defined piece `text` starts with, and its length:
    /// pieces sorted by bytes, the range sharing a prefix narrowed a byte at
    /// a time; a piece equal to the prefix sorts first in its range.
    #[inline]
    pub(super) fn longest_user(&self, text: &[u8]) -> Option<(u32, usize)> {
        let first = *text.first()?;
        let &(lo, hi) = self.user_first.get(usize::from(first))?;
        let mut range = self.users.get(lo as usize..hi as usize)?;
        let mut best = None;
        let mut depth = 1;
        loop {
            let &id = range.first()?;
            if self.piece(id).map(<[u8]>::len) == Some(depth) {
                best = Some((id, depth));
            }
            let Some(&c) = text.get(depth) else {
                return best;
            };
            let at = |id: u32| self.piece(id).and_then(|p| p.get(depth)).copied();
            let lo = range.partition_point(|&id| at(id) < Some(c));
            let hi = range.partition_point(|&id| at(id) <= Some(c));
            range = match range.get(lo..hi) {
                Some(r) if !r.is_empty() => r,
                _ => return best,
            };
            depth += 1;
        }
    }
}
