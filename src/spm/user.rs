//! Leftmost-longest matching of the user-defined pieces (runs of `\n`, `\t`
//! and U+2581, HTML tags, `<unusedN>`): a byte trie, and quick tests that
//! turn away most bytes of a text without walking it.

use super::{SPACE, STOP_SPACE, STOP_USER, STOP_USER_SHORT};

const NONE: u32 = u32::MAX;
/// `quads` has `1 << QUAD_BITS` bits.
const QUAD_BITS: u32 = 14;

/// A trie node: its byte, its first child and next sibling (`NONE` for
/// none), and the piece that ends here. Siblings are few (at most the
/// HTML tags' letters after `<`), so they are a list.
#[derive(Clone, Copy)]
struct Node {
    byte: u8,
    child: u32,
    sibling: u32,
    id: u32,
}

/// The user-defined pieces as a trie over their bytes.
pub(super) struct UserPieces {
    /// Node 0 is the root.
    nodes: Vec<Node>,
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
            stops: [0; 256],
            quads: Vec::new(),
        }
    }

    /// The trie of `pieces` (bytes and id).
    pub(super) fn new(pieces: &[(&[u8], u32)]) -> Option<UserPieces> {
        let mut users = UserPieces {
            nodes: vec![Node {
                byte: 0,
                child: NONE,
                sibling: NONE,
                id: NONE,
            }],
            stops: [0; 256],
            quads: vec![0; 1 << (QUAD_BITS - 6)],
        };
        for &(piece, id) in pieces {
            users.insert(piece, id)?;
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

    fn insert(&mut self, piece: &[u8], id: u32) -> Option<()> {
        let mut node = 0usize;
        for &byte in piece {
            node = match self.child(node, byte) {
                Some(child) => child,
                None => {
                    let new = u32::try_from(self.nodes.len()).ok()?;
                    let parent = self.nodes.get_mut(node)?;
                    let sibling = std::mem::replace(&mut parent.child, new);
                    self.nodes.push(Node {
                        byte,
                        child: NONE,
                        sibling,
                        id: NONE,
                    });
                    new as usize
                }
            };
        }
        self.nodes.get_mut(node)?.id = id;
        Some(())
    }

    /// The child of `node` for `byte`.
    #[inline]
    fn child(&self, node: usize, byte: u8) -> Option<usize> {
        let mut at = self.nodes.get(node)?.child;
        while let Some(n) = self.nodes.get(at as usize) {
            if n.byte == byte {
                return Some(at as usize);
            }
            at = n.sibling;
        }
        None
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
        let mut node = 0;
        let mut best = None;
        for (depth, &byte) in text.iter().enumerate() {
            let Some(child) = self.child(node, byte) else {
                break;
            };
            node = child;
            let id = self.nodes.get(node)?.id;
            if id != NONE {
                best = Some((id, depth + 1));
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
