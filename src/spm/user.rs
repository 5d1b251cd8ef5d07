//! Leftmost-longest matching of the user-defined pieces (runs of `\n`, `\t`
//! and U+2581, HTML tags, `<unusedN>`): a byte trie, and quick tests that
//! turn away most bytes of a text without walking it.

use super::{SPACE, STOP_SPACE, STOP_USER, STOP_USER_SHORT};

const NONE: u32 = u32::MAX;
/// `quads` has `1 << QUAD_BITS` bits.
const QUAD_BITS: u32 = 14;

#[derive(Clone, Copy)]
struct Node {
    /// The node's edges are `edges[edges_at..edges_at + edges_len]`,
    /// sorted by byte.
    edges_at: u32,
    edges_len: u32,
    /// The piece that ends here, or `NONE`.
    id: u32,
}

/// The user-defined pieces as a trie over their bytes.
pub(super) struct UserPieces {
    nodes: Vec<Node>,
    edges: Vec<(u8, u32)>,
    /// Per byte, [`STOP_USER`], [`STOP_USER_SHORT`] and [`STOP_SPACE`]:
    /// what a byte of the text may start.
    stops: [u8; 256],
    /// One bit per hash of the first four bytes of each piece of four bytes
    /// or more: a single space before a word (U+2581 then a letter) is
    /// turned away here, not by a walk down the runs of U+2581.
    quads: Vec<u64>,
}

impl UserPieces {
    /// No pieces (a placeholder while the table loads).
    pub(super) fn empty() -> UserPieces {
        UserPieces {
            nodes: Vec::new(),
            edges: Vec::new(),
            stops: [0; 256],
            quads: Vec::new(),
        }
    }

    /// The trie of `pieces` (bytes and id).
    pub(super) fn new(mut pieces: Vec<(&[u8], u32)>) -> Option<UserPieces> {
        pieces.sort_unstable();
        let mut users = UserPieces {
            nodes: Vec::new(),
            edges: Vec::new(),
            stops: [0; 256],
            quads: vec![0; 1 << (QUAD_BITS - 6)],
        };
        users.add(&pieces, 0)?;
        for (piece, _) in &pieces {
            let short = match piece.first_chunk::<4>() {
                Some(quad) => {
                    let bit = quad_bit(quad);
                    *users.quads.get_mut(bit / 64)? |= 1 << (bit % 64);
                    0
                }
                None => STOP_USER_SHORT,
            };
            *users.stops.get_mut(usize::from(*piece.first()?))? |= STOP_USER | short;
        }
        let space = *SPACE.to_string().as_bytes().first()?;
        *users.stops.get_mut(usize::from(space))? |= STOP_SPACE;
        Some(users)
    }

    /// Adds the node of the sorted `pieces` that share their first `depth`
    /// bytes, and below it theirs; returns its index.
    fn add(&mut self, pieces: &[(&[u8], u32)], depth: usize) -> Option<u32> {
        let index = u32::try_from(self.nodes.len()).ok()?;
        let (id, rest) = match pieces.split_first() {
            Some((&(piece, id), rest)) if piece.len() == depth => (id, rest),
            _ => (NONE, pieces),
        };
        let mut groups = Vec::new();
        let mut from = 0;
        while let Some(&(piece, _)) = rest.get(from) {
            let byte = *piece.get(depth)?;
            let len = rest
                .get(from..)?
                .iter()
                .take_while(|(p, _)| p.get(depth) == Some(&byte))
                .count();
            groups.push((byte, from..from + len));
            from += len;
        }
        let edges_at = u32::try_from(self.edges.len()).ok()?;
        self.nodes.push(Node {
            edges_at,
            edges_len: groups.len() as u32,
            id,
        });
        self.edges
            .extend(groups.iter().map(|&(byte, _)| (byte, NONE)));
        for (k, (_, range)) in groups.into_iter().enumerate() {
            let child = self.add(rest.get(range)?, depth + 1)?;
            self.edges.get_mut(edges_at as usize + k)?.1 = child;
        }
        Some(index)
    }

    /// Whether a byte of the text may start a user-defined piece or U+2581.
    #[inline]
    pub(super) fn is_stop(&self, byte: u8) -> bool {
        self.stops.get(usize::from(byte)).is_some_and(|&s| s != 0)
    }

    /// The longest user-defined piece `text` starts with, and its length.
    #[inline]
    pub(super) fn at(&self, text: &[u8]) -> Option<(u32, usize)> {
        let stop = *self.stops.get(usize::from(*text.first()?))?;
        if stop & STOP_USER == 0 {
            return None;
        }
        if stop & STOP_USER_SHORT == 0 {
            let bit = quad_bit(text.first_chunk::<4>()?);
            if self.quads.get(bit / 64)? >> (bit % 64) & 1 == 0 {
                return None;
            }
        }
        let mut node = *self.nodes.first()?;
        let mut best = None;
        for (depth, byte) in text.iter().enumerate() {
            let at = node.edges_at as usize;
            let edges = self.edges.get(at..at + node.edges_len as usize)?;
            let child = match edges.binary_search_by_key(byte, |&(b, _)| b) {
                Ok(k) => edges.get(k)?.1,
                Err(_) => break,
            };
            node = *self.nodes.get(child as usize)?;
            if node.id != NONE {
                best = Some((node.id, depth + 1));
            }
        }
        best
    }
}

/// The bit of four bytes in `quads`.
#[inline]
fn quad_bit(quad: &[u8; 4]) -> usize {
    (u64::from(u32::from_le_bytes(*quad)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - QUAD_BITS))
        as usize
}
