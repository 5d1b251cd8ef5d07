//! JSON in: any JS value as JSON, with its NaNs and infinities kept visible
//! and named where they are refused.

use serde::de::DeserializeOwned;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::args::bounded;
use super::js::stringify;
use crate::error::Error;

/// Any JS value as JSON, for the Rust API's JSON-shaped inputs (messages,
/// options, catalogues). It goes through `JSON.stringify`, so cycles, BigInts
/// and absurd nesting become errors instead of traps, and `__proto__` keys
/// are plain data. NaN and the infinities are kept visible ([`Json`]) so that
/// they are rejected by name instead of becoming null.
pub fn json(value: &JsValue, field: &str) -> Result<Json, Error> {
    let mut out = Json {
        value: Value::Null,
        root: field.to_string(),
        non_finite: Vec::new(),
    };
    if value.is_undefined() {
        return Ok(out);
    }
    let js = stringify(value).map_err(|e| {
        let why = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        Error::invalid(field, format!("is not JSON-serialisable ({why})"))
    })?;
    let text = match js.dyn_ref::<js_sys::JsString>() {
        Some(js) => bounded(js, field)?,
        None => String::new(),
    };
    let text = replace_lone_surrogate_escapes(&text);
    out.value = serde_json::from_str(&text)
        .map_err(|e| Error::invalid(field, format!("is not valid input: {e}")))?;
    // Markers and escaped strings all start with a NUL, which JSON escapes.
    if text.contains("\\u0000") {
        take_markers(&mut out.value, &mut Vec::new(), &mut out.non_finite);
    }
    Ok(out)
}

/// A JS value read as JSON by [`json`], and where its NaNs and infinities
/// were.
///
/// JSON has none of them, and `JSON.stringify` would write null, which reads
/// as "not given". So `stringify` writes each as a marker string (a NUL, then
/// `NaN`, `Infinity` or `-Infinity`; a real string that starts with a NUL
/// gets a second one, so that no string passes for a marker), and [`json`]
/// takes the markers out again: each becomes the stand-in `true`, and its
/// path is kept here. The Rust API never sees a marker. Where it reads such a
/// value it refuses the stand-in as it would any boolean ("must be a number,
/// got a boolean"), and [`Json::read`] names it ("got NaN"); where it ignores
/// it (a key of a message that the API does not read) it passes, as in the
/// caller's object. A boolean, because of JSON's types it is the one the
/// Rust API accepts in a single place, a usage's `batch`, which
/// `wasm::cost::usage` checks first.
pub struct Json {
    value: Value,
    /// The argument's name (`messages`, `request`): where an error about the
    /// whole value is.
    root: String,
    /// Each NaN or infinity: its path from the top, and its name.
    non_finite: Vec<(Vec<Step>, &'static str)>,
}

/// One step of a path into a JSON value.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

const NON_FINITE: [&str; 3] = ["NaN", "Infinity", "-Infinity"];

impl Json {
    pub fn value(&self) -> &Value {
        &self.value
    }

    pub fn value_mut(&mut self) -> &mut Value {
        &mut self.value
    }

    /// The value, which must hold no NaN or infinity: the first is an error
    /// at its path (`options.budget.limitUsd: must be a finite number, got
    /// NaN`). For what is read whole, with no key the Rust API ignores
    /// (options, catalogues, ledgers).
    pub fn finite(self) -> Result<Value, Error> {
        self.finite_where(|_| true)
    }

    /// [`Json::finite`] for what is under the keys of the top object that
    /// `kept` accepts (a request's fields that a cache key hashes): a NaN
    /// elsewhere is left as its stand-in, for a caller that ignores it.
    pub fn finite_where(self, kept: impl Fn(&str) -> bool) -> Result<Value, Error> {
        self.refuse_non_finite(&self.root, |steps| match steps.first() {
            Some(Step::Key(k)) => kept(k),
            _ => true,
        })?;
        Ok(self.value)
    }

    /// [`Json::finite`] for what is under one key of the top object only
    /// (a workload's `pricing`, a request's `tools`), the path starting at
    /// `base`.
    pub fn finite_under(&self, key: &str, base: &str) -> Result<(), Error> {
        self.refuse_non_finite(
            base,
            |steps| matches!(steps.first(), Some(Step::Key(k)) if k == key),
        )
    }

    /// The first NaN or infinity whose path `counts` is an error at that
    /// path, from `base`.
    fn refuse_non_finite(&self, base: &str, counts: impl Fn(&[Step]) -> bool) -> Result<(), Error> {
        match self.non_finite.iter().find(|(steps, _)| counts(steps)) {
            Some((steps, name)) => Err(not_finite(&path(base, steps), name)),
            None => Ok(()),
        }
    }

    /// The value with each NaN or infinity as the string that names it
    /// (`"NaN"`, `"Infinity"`, `"-Infinity"`): for data read entry by entry
    /// (an imported price map), where such a number is its entry's fault,
    /// named by that entry's reader, and not the whole value's.
    #[cfg(feature = "import")]
    pub fn named_non_finite(mut self) -> Value {
        for (steps, name) in &self.non_finite {
            let mut at = Some(&mut self.value);
            for step in steps {
                at = at.and_then(|v| match (v, step) {
                    (Value::Object(map), Step::Key(k)) => map.get_mut(k),
                    (Value::Array(items), Step::Index(i)) => items.get_mut(*i),
                    _ => None,
                });
            }
            if let Some(slot) = at {
                *slot = Value::String((*name).to_string());
            }
        }
        self.value
    }

    /// The name of the NaN or infinity at `key` of the top object, if one is
    /// there.
    pub fn non_finite_at(&self, key: &str) -> Option<&'static str> {
        self.non_finite
            .iter()
            .find_map(|(steps, name)| match steps.as_slice() {
                [Step::Key(k)] if k == key => Some(*name),
                _ => None,
            })
    }

    /// Runs the Rust API's `read` on the value, and names the NaN or infinity
    /// it refused: "got NaN" for its "got a boolean". `base` is where `read`
    /// puts the value's keys (`messages` for `messages[0].role`, "" for a
    /// request's `inputTokens`).
    pub fn read<'a, T>(
        &'a self,
        base: &str,
        read: impl FnOnce(&'a Value) -> Result<T, Error>,
    ) -> Result<T, Error> {
        read(&self.value).map_err(|e| self.name_non_finite(e, base))
    }

    fn name_non_finite(&self, e: Error, base: &str) -> Error {
        let Some(field) = e.field_name() else {
            return e;
        };
        let at = |steps: &[Step]| match steps {
            [] => field == self.root,
            steps => path(base, steps) == field,
        };
        let Some((_, name)) = self.non_finite.iter().find(|(steps, _)| at(steps)) else {
            return e;
        };
        let named = e
            .message()
            .strip_prefix(field)
            .and_then(|m| m.strip_prefix(": "))
            .and_then(|m| m.strip_suffix("got a boolean"))
            .map(|head| format!("{head}got {name}"));
        match named {
            Some(message) => Error::field(e.code(), field, message),
            None => e,
        }
    }
}

fn not_finite(field: &str, name: &str) -> Error {
    Error::invalid(field, format!("must be a finite number, got {name}"))
}

/// A path as the Rust API writes fields: `base.key[2].key`, or `key[2]` when
/// `base` is empty.
fn path(base: &str, steps: &[Step]) -> String {
    let mut out = base.to_string();
    for step in steps {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Replaces each marker string of `stringify` with the stand-in `true`,
/// noting its path and name, and takes the escaping NUL off each real
/// string that starts with one. JSON nesting is bounded (serde_json's
/// recursion limit), and so is this recursion.
fn take_markers(v: &mut Value, steps: &mut Vec<Step>, found: &mut Vec<(Vec<Step>, &'static str)>) {
    match v {
        Value::String(s) => {
            let Some(rest) = s.strip_prefix('\0') else {
                return;
            };
            if rest.starts_with('\0') {
                s.remove(0);
            } else if let Some(name) = NON_FINITE.iter().find(|n| **n == rest) {
                found.push((steps.clone(), name));
                *v = Value::Bool(true);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                steps.push(Step::Index(i));
                take_markers(item, steps, found);
                steps.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                steps.push(Step::Key(k.clone()));
                take_markers(item, steps, found);
                steps.pop();
            }
        }
        _ => {}
    }
}

/// [`json`] then a typed read; unknown keys and wrong types are errors, and
/// a NaN or an infinity is named with its path (serde would only say that a
/// boolean is not an f64, of the whole object).
pub fn typed<T: DeserializeOwned>(value: &JsValue, field: &str) -> Result<T, Error> {
    let v = json(value, field)?.finite()?;
    let v = if v.is_null() {
        Value::Object(Default::default())
    } else {
        v
    };
    serde_json::from_value(v).map_err(|e| Error::invalid(field, e.to_string()))
}

/// `JSON.stringify` writes a lone surrogate as `\udXXX`, which serde_json
/// rejects; tiktoken reads it as U+FFFD, and so do we.
fn replace_lone_surrogate_escapes(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("\\ud") {
        return text.into();
    }
    let bytes = text.as_bytes();
    let surrogate_at = |i: usize| -> Option<u16> {
        let esc = bytes.get(i..i + 6)?;
        if esc.get(..2)? != b"\\u" {
            return None;
        }
        let hex = std::str::from_utf8(esc.get(2..)?).ok()?;
        u16::from_str_radix(hex, 16)
            .ok()
            .filter(|u| (0xD800..0xE000).contains(u))
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while let Some(off) = text.get(i..).and_then(|t| t.find("\\u")) {
        let at = i + off;
        // An escaped backslash ("\\u") is not an escape: count the run.
        let backslashes = bytes
            .get(..at)
            .map_or(0, |b| b.iter().rev().take_while(|&&c| c == b'\\').count());
        if backslashes % 2 == 1 {
            i = at + 2;
            continue;
        }
        match surrogate_at(at) {
            Some(0xD800..=0xDBFF) if matches!(surrogate_at(at + 6), Some(0xDC00..=0xDFFF)) => {
                i = at + 12; // a valid pair
            }
            Some(_) => {
                out.push_str(text.get(copied..at).unwrap_or(""));
                out.push_str("\\ufffd");
                i = at + 6;
                copied = i;
            }
            None => i = at + 2,
        }
    }
    out.push_str(text.get(copied..).unwrap_or(""));
    out.into()
}
