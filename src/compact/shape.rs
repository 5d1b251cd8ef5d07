//! The JSON transforms that change the data, each only at the level that
//! allows it: fields empty in every record of an array (structural), and a
//! projection onto chosen fields and short aliases for long ids (lossy).

use std::collections::{HashMap, HashSet};

use super::json::{JsonStr, Node};

fn is_empty(node: &Node<'_>) -> bool {
    match node {
        Node::Null => true,
        Node::String(s) => s.raw().is_empty(),
        Node::Array(a) => a.is_empty(),
        Node::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Drops, in every array of two or more objects, the keys whose value is
/// empty (`null`, `""`, `[]`, `{}`) in every object that has them: a column
/// that says nothing in any row. `true` if anything was dropped.
pub fn drop_empty_columns(node: &mut Node<'_>) -> bool {
    let mut changed = false;
    match node {
        Node::Array(items) => {
            for item in items.iter_mut() {
                changed |= drop_empty_columns(item);
            }
            changed |= drop_in_records(items);
        }
        Node::Object(members) => {
            for (_, v) in members.iter_mut() {
                changed |= drop_empty_columns(v);
            }
        }
        _ => {}
    }
    changed
}

fn drop_in_records(items: &mut [Node<'_>]) -> bool {
    if items.len() < 2 || !items.iter().all(|i| matches!(i, Node::Object(_))) {
        return false;
    }
    let mut full: HashSet<String> = HashSet::new();
    let mut seen: Vec<String> = Vec::new();
    for item in items.iter() {
        if let Node::Object(members) = item {
            for (k, v) in members {
                let key = k.raw().to_string();
                if !is_empty(v) {
                    full.insert(key.clone());
                }
                seen.push(key);
            }
        }
    }
    let empty: HashSet<String> = seen.into_iter().filter(|k| !full.contains(k)).collect();
    if empty.is_empty() {
        return false;
    }
    for item in items.iter_mut() {
        if let Node::Object(members) = item {
            members.retain(|(k, _)| !empty.contains(k.raw()));
        }
    }
    true
}

/// Keeps only the fields named by `paths` (dot-separated keys from the
/// top, arrays passed through): `user.login` keeps that key of every
/// element's `user`, `user` keeps `user` whole. Values outside objects are
/// kept. `true` if anything was dropped.
pub fn project(node: &mut Node<'_>, paths: &[Vec<&str>]) -> bool {
    match node {
        Node::Array(items) => {
            let mut changed = false;
            for item in items.iter_mut() {
                changed |= project(item, paths);
            }
            changed
        }
        Node::Object(members) => {
            let before = members.len();
            let mut changed = false;
            members.retain_mut(|(k, v)| {
                let key = k.text().unwrap_or_default();
                let tails: Vec<Vec<&str>> = paths
                    .iter()
                    .filter(|p| p.first().is_some_and(|f| *f == key.as_ref()))
                    .map(|p| p.get(1..).unwrap_or(&[]).to_vec())
                    .collect();
                if tails.is_empty() {
                    return false;
                }
                if !tails.iter().any(Vec::is_empty) {
                    changed |= project(v, &tails);
                }
                true
            });
            changed || members.len() != before
        }
        _ => false,
    }
}

/// Whether a string is a long machine id: a UUID, 24 or more hex digits,
/// or a run of 20 or more letters, digits, `_` and `-` with a part of 12 or
/// more that mixes letters and digits (`ch_3MmlLrLkdIwHu7ix0snN0B15`).
pub fn is_long_id(s: &str) -> bool {
    let b = s.as_bytes();
    let hex = |x: &u8| x.is_ascii_hexdigit();
    let uuid = b.len() == 36
        && b.iter().enumerate().all(|(i, x)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *x == b'-'
            } else {
                hex(x)
            }
        });
    let long_hex = b.len() >= 24 && b.iter().all(hex) && b.iter().any(u8::is_ascii_digit);
    let token = b.len() >= 20
        && b.iter()
            .all(|x| x.is_ascii_alphanumeric() || matches!(x, b'_' | b'-'))
        && s.split(['_', '-']).any(|part| {
            part.len() >= 12
                && part.bytes().filter(u8::is_ascii_digit).count() >= 2
                && part.bytes().filter(u8::is_ascii_alphabetic).count() >= 2
        });
    uuid || long_hex || token
}

/// Replaces every string value that is a long id with a short alias
/// (`@1`, `@2` ... in order of first appearance; the same id gets the same
/// alias), skipping any alias that is already a string of the data.
/// Returns the aliases with their ids, in order.
pub fn alias_ids(node: &mut Node<'_>) -> Vec<(String, String)> {
    let mut taken = HashSet::new();
    collect_strings(node, &mut taken);
    let mut aliases = Aliases {
        by_id: HashMap::new(),
        list: Vec::new(),
        taken,
        next: 1,
    };
    aliases.walk(node);
    aliases.list
}

fn collect_strings(node: &Node<'_>, out: &mut HashSet<String>) {
    match node {
        Node::String(s) => {
            out.insert(s.raw().to_string());
        }
        Node::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Node::Object(members) => members.iter().for_each(|(_, v)| collect_strings(v, out)),
        _ => {}
    }
}

struct Aliases {
    by_id: HashMap<String, String>,
    list: Vec<(String, String)>,
    taken: HashSet<String>,
    next: usize,
}

impl Aliases {
    fn walk(&mut self, node: &mut Node<'_>) {
        match node {
            Node::String(s) if is_long_id(s.raw()) => {
                let id = s.raw().to_string();
                let alias = match self.by_id.get(&id) {
                    Some(a) => a.clone(),
                    None => {
                        let a = self.fresh();
                        self.by_id.insert(id.clone(), a.clone());
                        self.list.push((a.clone(), id));
                        a
                    }
                };
                *s = JsonStr::from_text(&alias);
            }
            Node::Array(items) => items.iter_mut().for_each(|i| self.walk(i)),
            Node::Object(members) => members.iter_mut().for_each(|(_, v)| self.walk(v)),
            _ => {}
        }
    }

    fn fresh(&mut self) -> String {
        loop {
            let a = format!("@{}", self.next);
            self.next += 1;
            if !self.taken.contains(&a) {
                return a;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::json::{minify, parse};
    use super::*;

    #[test]
    fn structural_and_lossy() {
        let mut n = parse(r#"[{"a":1,"b":null,"c":[]},{"a":2,"b":"","c":[1]}]"#).unwrap();
        assert!(drop_empty_columns(&mut n));
        assert_eq!(minify(&n), r#"[{"a":1,"c":[]},{"a":2,"c":[1]}]"#);
        let mut n = parse(r#"[{"id":1,"user":{"login":"x","id":9},"body":"long"}]"#).unwrap();
        assert!(project(&mut n, &[vec!["id"], vec!["user", "login"]]));
        assert_eq!(minify(&n), r#"[{"id":1,"user":{"login":"x"}}]"#);
        let mut n = parse(r#"{"a":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","b":"ch_3MmlLrLkdIwHu7ix0snN0B15","c":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","d":"@1","e":"hello_world_again_x"}"#).unwrap();
        let map = alias_ids(&mut n);
        assert_eq!(
            minify(&n),
            r#"{"a":"@2","b":"@3","c":"@2","d":"@1","e":"hello_world_again_x"}"#
        );
        assert_eq!(map.len(), 2);
    }
}
