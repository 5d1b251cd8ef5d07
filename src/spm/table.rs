//! Reading the packed piece table (`format.rs`) into the lookups encoding
//! needs: a hash index from bytes to normal pieces, the byte-fallback ids,
//! and the user-defined and control pieces for leftmost-longest matching.

use super::encode::SPACE_BYTES;
use super::format::{Bits, BYTE, CHAR, CONTROL, LITERAL, USER};
use super::user::UserPieces;
use super::{PieceKind, SentencePiece, SMALL, SPACE};

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

/// Where a piece's bytes are in [`SentencePiece::bytes`]: the start in the
/// high 24 bits, the length in the low 8. Four bytes a piece, as the spans
/// of parts are read at random while loading and merging.
#[derive(Clone, Copy, Default)]
pub(super) struct Span(u32);

impl Span {
    fn new(start: usize, len: usize) -> Option<Span> {
        let start = u32::try_from(start).ok().filter(|&s| s < 1 << 24)?;
        Some(Span(start << 8 | u32::from(u8::try_from(len).ok()?)))
    }

    #[inline]
    pub(super) fn start(self) -> usize {
        (self.0 >> 8) as usize
    }

    #[inline]
    pub(super) fn byte_len(self) -> usize {
        (self.0 & 0xFF) as usize
    }
}

/// `Loader::bytes` runs this many bytes or more past its end, so that a part
/// of up to 16 bytes is copied as one fixed-width load and store.
const SLACK: usize = 16;

/// What loading gathers besides the pieces: what `prepare_matching` needs
/// to know where texts can be cut, found on the way at no extra pass.
#[derive(Default)]
pub(super) struct Found {
    /// The chars that precede a U+2581 inside a normal piece.
    pub joins: Vec<char>,
    /// Normal pieces stored whole (no split into earlier pieces): with the
    /// one-char pieces, every char of a normal piece is in one of them.
    pub literal_normals: Vec<u32>,
}

/// Reading the entries in id order.
struct Loader {
    spans: Vec<Span>,
    kinds: Vec<PieceKind>,
    /// The pieces' bytes up to `end`, then zeros (`SLACK` or more).
    bytes: Vec<u8>,
    end: usize,
    char_ids: Vec<usize>,
    byte_ids: [u32; 256],
    found: Found,
}

impl SentencePiece {
    /// Reads a blob written by build.rs; `None` if it is malformed, which
    /// only a broken build can cause. The chars section is copied whole to
    /// the front of the bytes; every other piece is appended in id order,
    /// a pair of earlier pieces as two copies.
    pub(crate) fn from_blob(blob: &[u8]) -> Option<SentencePiece> {
        let mut s = Sections::read(blob)?;
        let mut load = Loader::with_chars(&s)?;
        for (id, (&left, &right)) in s.lefts.iter().zip(s.rights).enumerate() {
            let span = match left {
                CHAR => continue,
                BYTE => load.byte(id, s.bits.value(right)?)?,
                CONTROL | USER | LITERAL => {
                    let (piece, rest) = s.literal.split_at_checked(s.bits.value(right)? as usize)?;
                    s.literal = rest;
                    load.literal(id, left, piece)?
                }
                _ if left < LITERAL => {
                    let (a, b) = (s.bits.value(left)?, s.bits.value(right)?);
                    load.pair(id, a, b)?
                }
                _ => return None,
            };
            *load.spans.get_mut(id)? = span;
        }
        if !s.bits.is_spent() || !s.literal.is_empty() || load.byte_ids.contains(&u32::MAX) {
            return None;
        }
        load.bytes.truncate(load.end);
        SentencePiece::index(
            load.bytes,
            load.spans,
            load.kinds,
            load.byte_ids,
            load.found,
        )
    }
}

impl Loader {
    /// The one-char pieces, whose bytes are the chars section as it is.
    fn with_chars(s: &Sections) -> Option<Loader> {
        let mut spans = vec![Span::default(); s.count];
        let kinds = vec![PieceKind::Normal; s.count];
        let mut bytes = vec![0; s.count * 10 + SLACK];
        bytes
            .get_mut(..s.chars.len())?
            .copy_from_slice(s.chars.as_bytes());
        let mut chars = s.chars.char_indices();
        let mut char_ids = Vec::new();
        for (id, (&left, span)) in s.lefts.iter().zip(spans.iter_mut()).enumerate() {
            if left == CHAR {
                let (at, c) = chars.next()?;
                *span = Span::new(at, c.len_utf8())?;
                char_ids.push(id);
            }
        }
        if chars.next().is_some() {
            return None;
        }
        Some(Loader {
            spans,
            kinds,
            bytes,
            end: s.chars.len(),
            char_ids,
            byte_ids: [u32::MAX; 256],
            found: Found::default(),
        })
    }

    fn byte(&mut self, id: usize, value: u32) -> Option<Span> {
        let byte = u8::try_from(value).ok()?;
        let slot = self.byte_ids.get_mut(usize::from(byte))?;
        if *slot != u32::MAX {
            return None;
        }
        *slot = u32::try_from(id).ok()?;
        self.append(id, &[byte], PieceKind::Byte)
    }

    fn literal(&mut self, id: usize, marker: u8, piece: &[u8]) -> Option<Span> {
        let text = std::str::from_utf8(piece).ok()?;
        let kind = match marker {
            CONTROL => PieceKind::Control,
            USER => PieceKind::User,
            _ => {
                self.found.literal_normals.push(u32::try_from(id).ok()?);
                let mut prev = None;
                for c in text.chars() {
                    if let (SPACE, Some(p)) = (c, prev) {
                        self.join(p);
                    }
                    prev = Some(c);
                }
                PieceKind::Normal
            }
        };
        self.append(id, piece, kind)
    }

    /// A normal piece made of the pieces that two values name: the n-th
    /// one-char piece or an earlier id (format.rs).
    fn pair(&mut self, id: usize, left: u32, right: u32) -> Option<Span> {
        let n_chars = self.char_ids.len() as u32;
        let part = |value: u32| -> Option<Span> {
            let part_id = match value.checked_sub(n_chars) {
                None => *self.char_ids.get(value as usize)?,
                Some(earlier) => Some(earlier as usize).filter(|&e| e < id)?,
            };
            match self.kinds.get(part_id)? {
                PieceKind::Normal => self.spans.get(part_id).copied(),
                _ => None,
            }
        };
        let (a, b) = (part(left)?, part(right)?);
        let start = self.end;
        for p in [a, b] {
            self.copy_within(p.start(), p.byte_len())?;
        }
        // A U+2581 inside the new piece that is in neither part: at the
        // join, after the left part's last char.
        let b_at = start + a.byte_len();
        if self
            .bytes
            .get(b_at..self.end)
            .is_some_and(|rest| rest.starts_with(SPACE_BYTES))
        {
            let left = self.bytes.get(start..b_at)?;
            let last = std::str::from_utf8(left).ok()?.chars().next_back()?;
            self.join(last);
        }
        Span::new(start, a.byte_len() + b.byte_len())
    }

    /// Makes room for `n` more bytes and the slack after them.
    #[inline]
    fn room(&mut self, n: usize) {
        let need = self.end + n + SLACK;
        if self.bytes.len() < need {
            self.bytes.resize(need * 2, 0);
        }
    }

    /// Appends `bytes[from..from + n]`: a part of up to 16 bytes as one
    /// fixed-width load and store (reading past it into bytes written or
    /// zeroed; what lands past the end is overwritten next), as a `memmove`
    /// call per part was a fifth of the start-up.
    fn copy_within(&mut self, from: usize, n: usize) -> Option<()> {
        self.room(n);
        if n <= SLACK {
            let word = *self.bytes.get(from..)?.first_chunk::<SLACK>()?;
            *self.bytes.get_mut(self.end..)?.first_chunk_mut::<SLACK>()? = word;
        } else {
            self.bytes.copy_within(from..from.checked_add(n)?, self.end);
        }
        self.end += n;
        Some(())
    }

    /// Appends a piece stored whole; its span.
    fn append(&mut self, id: usize, piece: &[u8], kind: PieceKind) -> Option<Span> {
        let span = Span::new(self.end, piece.len())?;
        self.room(piece.len());
        self.bytes
            .get_mut(self.end..self.end + piece.len())?
            .copy_from_slice(piece);
        self.end += piece.len();
        *self.kinds.get_mut(id)? = kind;
        Some(span)
    }

    fn join(&mut self, c: char) {
        if !self.found.joins.contains(&c) {
            self.found.joins.push(c);
        }
    }
}

/// The filter has `1 << FILTER_BITS` bits: eight per normal piece.
const FILTER_BITS: u32 = 21;

/// The bit of a hash in the filter, remixed so that it does not follow the
/// bits the slot and the tag use.
#[inline]
fn filter_bit(h: u64) -> usize {
    (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FILTER_BITS)) as usize
}

/// `a == b` without a `memcmp` call for up to 16 bytes: two overlapping
/// fixed-width loads from each side cover every byte.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    fn ends<const N: usize>(s: &[u8]) -> Option<(&[u8; N], &[u8; N])> {
        Some((s.first_chunk::<N>()?, s.last_chunk::<N>()?))
    }
    if a.len() != b.len() {
        return false;
    }
    match a.len() {
        8..=16 => ends::<8>(a) == ends::<8>(b),
        4..=7 => ends::<4>(a) == ends::<4>(b),
        2..=3 => ends::<2>(a) == ends::<2>(b),
        _ => a == b,
    }
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
    fn index(
        bytes: Vec<u8>,
        spans: Vec<Span>,
        kinds: Vec<PieceKind>,
        byte_ids: [u32; 256],
        found: Found,
    ) -> Option<SentencePiece> {
        let normal = kinds.iter().filter(|&&k| k == PieceKind::Normal).count();
        let bits = (normal * 3 / 2 + 1)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let id_bits = u32::BITS - u32::try_from(spans.len() + 1).ok()?.leading_zeros();
        let mut sp = SentencePiece {
            bytes,
            spans,
            kinds,
            byte_ids,
            index: vec![0; 1 << bits],
            shift: 64 - bits,
            id_mask: u32::MAX
                .checked_shr(u32::BITS - id_bits)
                .unwrap_or(u32::MAX),
            ascii: [u32::MAX; 128],
            small_pairs: vec![u32::MAX; SMALL * SMALL],
            filter: vec![0; 1 << (FILTER_BITS - 6)],
            user_ids: Vec::new(),
            users: UserPieces::empty(),
            controls: Vec::new(),
            control_first: [false; 256],
            space_joins: Vec::new(),
            spaces_cut: false,
            run_chars: Vec::new(),
        };
        let mask = sp.index.len() - 1;
        for id in 0..sp.spans.len() as u32 {
            let span = *sp.spans.get(id as usize)?;
            match *sp.kinds.get(id as usize)? {
                PieceKind::User => sp.user_ids.push(id),
                PieceKind::Control => {
                    sp.controls.push(id);
                    let first = sp.piece_bytes(span)?.first().copied()?;
                    *sp.control_first.get_mut(usize::from(first))? = true;
                }
                PieceKind::Byte => {}
                PieceKind::Normal => {
                    let h = hash(sp.piece_bytes(span)?);
                    let bit = filter_bit(h);
                    *sp.filter.get_mut(bit / 64)? |= 1 << (bit % 64);
                    let (mut slot, tag) = sp.slot(h);
                    loop {
                        let cell = sp.index.get_mut(slot)?;
                        if *cell == 0 {
                            *cell = tag | (id + 1);
                            break;
                        }
                        slot = (slot + 1) & mask;
                    }
                    sp.note_small(span, id);
                }
            }
        }
        sp.prepare_matching(found)?;
        Some(sp)
    }

    /// Enters a normal piece of one ASCII char in `ascii`, and one of two
    /// chars of the small alphabet in `small_pairs`.
    fn note_small(&mut self, span: Span, id: u32) {
        let code = |c: &[u8]| match *c {
            [b] if b < 128 => Some(usize::from(b)),
            _ if c == SPACE_BYTES => Some(SMALL - 1),
            _ => None,
        };
        let Some(piece) = self.piece_bytes(span) else {
            return;
        };
        let slot = match *piece {
            [b] => self.ascii.get_mut(usize::from(b)),
            [a, b] => code(&[a])
                .zip(code(&[b]))
                .and_then(|(x, y)| self.small_pairs.get_mut(x * SMALL + y)),
            [a, b, c, d] => {
                let pair = code(&[a])
                    .zip(code(&[b, c, d]))
                    .or(code(&[a, b, c]).zip(code(&[d])));
                pair.and_then(|(x, y)| self.small_pairs.get_mut(x * SMALL + y))
            }
            [a, b, c, d, e, f] => code(&[a, b, c])
                .zip(code(&[d, e, f]))
                .and_then(|(x, y)| self.small_pairs.get_mut(x * SMALL + y)),
            _ => None,
        };
        if let Some(slot) = slot {
            *slot = id;
        }
    }

    #[inline]
    fn slot(&self, h: u64) -> (usize, u32) {
        ((h >> self.shift) as usize, h as u32 & !self.id_mask)
    }

    /// The piece of two chars of the small alphabet (codes below `SMALL`).
    #[inline]
    pub(super) fn pair_of_small(&self, first: usize, second: usize) -> u32 {
        self.small_pairs
            .get(first * SMALL + second)
            .copied()
            .unwrap_or(u32::MAX)
    }

    #[inline]
    pub(super) fn piece_bytes(&self, span: Span) -> Option<&[u8]> {
        self.bytes.get(span.start()..span.start() + span.byte_len())
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
        let h = hash(bytes);
        let bit = filter_bit(h);
        if self.filter.get(bit / 64)? >> (bit % 64) & 1 == 0 {
            return None;
        }
        let (mut slot, tag) = self.slot(h);
        loop {
            let cell = *self.index.get(slot)?;
            if cell == 0 {
                return None;
            }
            if cell & !self.id_mask == tag {
                let id = (cell & self.id_mask) - 1;
                let span = *self.spans.get(id as usize)?;
                if self.piece_bytes(span).is_some_and(|p| same_bytes(p, bytes)) {
                    return Some(id);
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Builds the user-defined pieces' trie and works out where a text can
    /// be cut (`space_joins`, `spaces_cut`, `run_chars`).
    fn prepare_matching(&mut self, found: Found) -> Option<()> {
        let users: Option<Vec<(&[u8], u32)>> = self
            .user_ids
            .iter()
            .map(|&id| Some((self.piece(id)?, id)))
            .collect();
        self.users = UserPieces::new(&users?)?;
        self.spaces_cut = self.user_ids.iter().all(|&id| {
            let text = self.piece(id).and_then(|p| std::str::from_utf8(p).ok());
            text.is_some_and(|t| !t.contains(SPACE) || t.chars().all(|c| c == SPACE))
        });
        self.run_chars = ['\n', '\t']
            .into_iter()
            .filter(|&c| self.is_run_char(c, &found.literal_normals))
            .collect();
        self.space_joins = found.joins;
        Some(())
    }

    /// Whether `c` is in no normal or control piece, and the user-defined
    /// pieces that hold it are exactly the runs of it from length 1 up:
    /// then every run of `c` is user-defined pieces, which no piece
    /// crosses. A char of a normal piece is in a one-char piece or in one
    /// stored whole (`literal_normals`).
    fn is_run_char(&self, c: char, literal_normals: &[u32]) -> bool {
        let text = |id: u32| self.piece(id).and_then(|p| std::str::from_utf8(p).ok());
        let mut utf8 = [0; 4];
        let in_normal = self.normal(c.encode_utf8(&mut utf8).as_bytes()).is_some()
            || literal_normals
                .iter()
                .chain(&self.controls)
                .any(|&id| text(id).is_none_or(|t| t.contains(c)));
        if in_normal {
            return false;
        }
        let mut lens = Vec::new();
        for &id in &self.user_ids {
            let Some(t) = text(id) else { return false };
            if t.contains(c) {
                if t.chars().any(|x| x != c) {
                    return false;
                }
                lens.push(t.chars().count());
            }
        }
        lens.sort_unstable();
        !lens.is_empty() && lens.iter().enumerate().all(|(i, &n)| n == i + 1)
    }
}
