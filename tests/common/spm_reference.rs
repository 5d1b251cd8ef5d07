//! SentencePiece BPE as `tests/golden/open_ref.py` states it, written the
//! plain way: no words, no memo, no heap, a full rescan for the lowest pair
//! after every merge (quadratic). The reference for tests/open_gemma3.rs and
//! the `spm` fuzz target (which includes this file), built from the
//! model's pieces and kinds only.

use std::collections::HashMap;

use tokenmeter::internals::{PieceKind, SentencePiece};

pub struct Reference {
    normal: HashMap<String, u32>,
    user: HashMap<String, u32>,
    control: HashMap<String, u32>,
    /// The longest user-defined and control piece, in chars.
    user_chars: usize,
    control_chars: usize,
    byte_ids: [u32; 256],
}

impl Reference {
    pub fn new(sp: &SentencePiece) -> Reference {
        let mut r = Reference {
            normal: HashMap::new(),
            user: HashMap::new(),
            control: HashMap::new(),
            user_chars: 0,
            control_chars: 0,
            byte_ids: [u32::MAX; 256],
        };
        for id in 0..sp.n_vocab() {
            let (bytes, kind) = sp.piece_with_kind(id).unwrap();
            if kind == PieceKind::Byte {
                r.byte_ids[bytes[0] as usize] = id;
                continue;
            }
            let text = String::from_utf8(bytes.to_vec()).unwrap();
            let chars = text.chars().count();
            match kind {
                PieceKind::Normal => r.normal.insert(text, id),
                PieceKind::User => {
                    r.user_chars = r.user_chars.max(chars);
                    r.user.insert(text, id)
                }
                PieceKind::Control => {
                    r.control_chars = r.control_chars.max(chars);
                    r.control.insert(text, id)
                }
                PieceKind::Byte => None,
            };
        }
        r
    }

    /// The tokens of `text`; control pieces only where `allowed` says so.
    pub fn encode(&self, text: &str, allowed: &dyn Fn(&str) -> bool) -> Vec<u32> {
        let mut out = Vec::new();
        let controls = |s: &str| self.control.get(s).copied().filter(|_| allowed(s));
        for (part, id) in cut_out(text, self.control_chars, &controls) {
            match id {
                Some(id) => out.push(id),
                None => {
                    let normalised = part.replace(' ', "\u{2581}");
                    let users = |s: &str| self.user.get(s).copied();
                    for (seg, id) in cut_out(&normalised, self.user_chars, &users) {
                        match id {
                            Some(id) => out.push(id),
                            None => self.bpe(&seg, &mut out),
                        }
                    }
                }
            }
        }
        out
    }

    fn bpe(&self, seg: &str, out: &mut Vec<u32>) {
        let mut syms: Vec<String> = seg.chars().map(String::from).collect();
        loop {
            let mut best: Option<(u32, usize)> = None;
            for i in 0..syms.len().saturating_sub(1) {
                let joined = format!("{}{}", syms[i], syms[i + 1]);
                if let Some(&id) = self.normal.get(&joined) {
                    if best.is_none_or(|(b, _)| id < b) {
                        best = Some((id, i));
                    }
                }
            }
            let Some((_, i)) = best else { break };
            let right = syms.remove(i + 1);
            syms[i].push_str(&right);
        }
        for s in syms {
            match self.normal.get(&s) {
                Some(&id) => out.push(id),
                None => out.extend(s.bytes().map(|b| self.byte_ids[b as usize])),
            }
        }
    }
}

/// `text` cut into the pieces `find` knows (leftmost, then longest, up to
/// `max_chars` chars) and the text between them.
fn cut_out(
    text: &str,
    max_chars: usize,
    find: &dyn Fn(&str) -> Option<u32>,
) -> Vec<(String, Option<u32>)> {
    let starts: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let mut out = Vec::new();
    let (mut from, mut k) = (0, 0);
    while k + 1 < starts.len() {
        let longest = (1..=max_chars.min(starts.len() - 1 - k))
            .rev()
            .find_map(|n| find(&text[starts[k]..starts[k + n]]).map(|id| (n, id)));
        match longest {
            Some((n, id)) => {
                if from < starts[k] {
                    out.push((text[from..starts[k]].to_string(), None));
                }
                out.push((text[starts[k]..starts[k + n]].to_string(), Some(id)));
                k += n;
                from = starts[k];
            }
            None => k += 1,
        }
    }
    if from < text.len() {
        out.push((text[from..].to_string(), None));
    }
    out
}
