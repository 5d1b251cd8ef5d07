//! Special tokens numbered in runs (Llama 4's `<|reserved_special_token_0|>`
//! to `_903|>` on consecutive ids, DeepSeek V3's placeholders, Llama 3's
//! reserved tokens) stored as the run: its text before and after the number,
//! the first number, the first id and the length. The family entries carried
//! every such text and its pointer (Llama 4's list was 98 KB of generated
//! source); `Tables::load` spells them out again.

use std::collections::BTreeMap;

use super::BuildResult;

/// A run: `prefix`, the number `first + i`, `suffix` is token `id + i`, for
/// `i` below `count`.
pub struct Run {
    pub prefix: String,
    pub suffix: String,
    pub first: u32,
    pub id: u32,
    pub count: u32,
}

/// The numbered tokens of one prefix and suffix: number, id, text.
type Members<'a> = Vec<(u32, u32, &'a str)>;

/// Runs shorter than this stay single tokens.
const MIN_RUN: usize = 8;

/// The text's last number: what comes before it, the number and what comes
/// after. `None` without one, or where it is not written as `{n}` would
/// write it (a leading zero).
fn numbered(text: &str) -> Option<(&str, u32, &str)> {
    let end = text.rfind(|c: char| c.is_ascii_digit())? + 1;
    let start = text[..end]
        .char_indices()
        .rfind(|(_, c)| !c.is_ascii_digit())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let digits = &text[start..end];
    let n: u32 = digits.parse().ok()?;
    (n.to_string() == digits).then_some((&text[..start], n, &text[end..]))
}

/// The tokens that stay single and the runs; checked to spell out exactly
/// the tokens given.
pub fn split(special: &BTreeMap<String, u32>) -> BuildResult<(BTreeMap<String, u32>, Vec<Run>)> {
    let mut groups: BTreeMap<(&str, &str), Members> = BTreeMap::new();
    let mut singles = BTreeMap::new();
    for (text, &id) in special {
        match numbered(text) {
            Some((prefix, n, suffix)) => groups
                .entry((prefix, suffix))
                .or_default()
                .push((n, id, text)),
            None => {
                singles.insert(text.clone(), id);
            }
        }
    }
    let mut runs = Vec::new();
    for ((prefix, suffix), mut members) in groups {
        members.sort_unstable();
        let mut start = 0;
        while start < members.len() {
            let mut end = start + 1;
            while end < members.len()
                && members[end].0 == members[end - 1].0 + 1
                && members[end].1 == members[end - 1].1 + 1
            {
                end += 1;
            }
            if end - start >= MIN_RUN {
                runs.push(Run {
                    prefix: prefix.to_string(),
                    suffix: suffix.to_string(),
                    first: members[start].0,
                    id: members[start].1,
                    count: (end - start) as u32,
                });
            } else {
                for &(_, id, text) in &members[start..end] {
                    singles.insert(text.to_string(), id);
                }
            }
            start = end;
        }
    }
    let mut spelled = singles.clone();
    for r in &runs {
        for i in 0..r.count {
            let text = format!("{}{}{}", r.prefix, r.first + i, r.suffix);
            if spelled.insert(text, r.id + i).is_some() {
                return Err("special token runs overlap".into());
            }
        }
    }
    if &spelled != special {
        return Err("special token runs do not spell the tokens".into());
    }
    Ok((singles, runs))
}
