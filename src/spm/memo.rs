//! A per-thread memo of words merged before and their tokens (as the
//! tiktoken side keeps one of piece counts, docs/design.md): a quarter of
//! English words are no piece ("time.", "it,") and take a merge of a dozen
//! or more lookups in the 2 MiB index, while text repeats its words. Keys
//! are compared whole, so a hit is always exact.

use std::cell::RefCell;

use super::table::hash;

/// Words up to this many bytes are remembered (as the byte-level memo does
/// pieces): long words without spaces (code, markup, URLs) repeat too.
const MEMO_WORD: usize = 256;
/// Sets of two ways; the bytes of words and tokens kept before starting
/// afresh.
const MEMO_SETS: usize = 1 << 11;
const MEMO_ARENA: usize = 1 << 20;

#[derive(Clone, Copy, Default)]
struct Slot {
    hash: u64,
    key_at: u32,
    key_len: u32,
    ids_at: u32,
    ids_len: u32,
}

#[derive(Default)]
struct Memo {
    /// The model the ids belong to.
    owner: usize,
    slots: Vec<Slot>,
    keys: Vec<u8>,
    ids: Vec<u32>,
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// Appends the remembered tokens of `word` to `out`; `false` if there are
/// none.
pub(super) fn recall(owner: usize, word: &[u8], out: &mut Vec<u32>) -> bool {
    if word.len() > MEMO_WORD {
        return false;
    }
    MEMO.with(|memo| {
        let Ok(memo) = memo.try_borrow() else {
            return false;
        };
        if memo.owner != owner {
            return false;
        }
        let h = hash(word);
        let set = (h >> 53) as usize % MEMO_SETS * 2;
        for slot in memo.slots.get(set..set + 2).unwrap_or_default() {
            let (key_at, ids_at) = (slot.key_at as usize, slot.ids_at as usize);
            let key = memo.keys.get(key_at..key_at + slot.key_len as usize);
            if slot.hash == h && key == Some(word) {
                if let Some(ids) = memo.ids.get(ids_at..ids_at + slot.ids_len as usize) {
                    out.extend_from_slice(ids);
                    return true;
                }
            }
        }
        false
    })
}

/// Remembers the tokens of a word just merged, in front of its set.
pub(super) fn remember(owner: usize, word: &[u8], ids: &[u32]) {
    if word.len() > MEMO_WORD {
        return;
    }
    MEMO.with(|memo| {
        let Ok(mut memo) = memo.try_borrow_mut() else {
            return;
        };
        let full = memo.keys.len() + 4 * memo.ids.len() > MEMO_ARENA;
        if memo.owner != owner || memo.slots.is_empty() || full {
            memo.owner = owner;
            memo.slots.clear();
            memo.slots.resize(2 * MEMO_SETS, Slot::default());
            memo.keys.clear();
            memo.ids.clear();
        }
        let (Ok(key_at), Ok(ids_at)) = (
            u32::try_from(memo.keys.len()),
            u32::try_from(memo.ids.len()),
        ) else {
            return;
        };
        let h = hash(word);
        let set = (h >> 53) as usize % MEMO_SETS * 2;
        if let Some(ways) = memo.slots.get_mut(set..set + 2) {
            ways.swap(0, 1);
            if let Some(slot) = ways.first_mut() {
                *slot = Slot {
                    hash: h,
                    key_at,
                    key_len: word.len() as u32,
                    ids_at,
                    ids_len: ids.len() as u32,
                };
            }
            memo.keys.extend_from_slice(word);
            memo.ids.extend_from_slice(ids);
        }
    });
}
