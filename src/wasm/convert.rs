//! Value and error conversion between JavaScript and the Rust API.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::chat::{Content, Part};
use crate::error::{Error, ErrorCode};

pub type JsResult<T> = Result<T, JsValue>;

/// A real JS `Error` with a stable `code` and the `field` it concerns.
pub fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(e.message());
    err.set_name("TokenmeterError");
    let obj: &JsValue = err.as_ref();
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(obj, &"code".into(), &e.code().as_str().into());
    let field = e.field_name().map_or(JsValue::NULL, JsValue::from_str);
    let _ = js_sys::Reflect::set(obj, &"field".into(), &field);
    err.into()
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        js_error(e)
    }
}

/// An error the Rust API raised about one of its parameters that the binding
/// took from an options object, named where the caller passed it: the
/// tokenizer's `model` is `options.model`, compareModels' `models[2]` is
/// `options.models[2]`. `keys` are those parameters' names; an error at one of
/// them, or inside one, moves under `options.`, and any other is left alone.
pub fn in_options(e: Error, keys: &[&str]) -> Error {
    let inside = |f: &str| {
        keys.iter().any(|k| {
            f.strip_prefix(k)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
    };
    match e.field_name().filter(|f| inside(f)) {
        Some(f) => {
            let f = format!("options.{f}");
            e.at_field(f)
        }
        None => e,
    }
}

/// The most UTF-8 one text or JSON argument may carry. A run with no break
/// for the pre-tokenizer (one character repeated) takes about 20 bytes of
/// wasm memory per byte while it is merged, and a wasm32 instance has 4 GiB
/// in all; past it an allocation would fail and trap the instance (200 MB
/// of spaces did).
pub const MAX_INPUT_BYTES: usize = 64 << 20;

/// A JS string argument. Lone surrogates arrive as U+FFFD, as tiktoken
/// counts them.
pub fn string(value: &JsValue, field: &str) -> Result<String, Error> {
    let Some(js) = value.dyn_ref::<js_sys::JsString>() else {
        return Err(Error::invalid(
            field,
            format!("must be a string, got {}", js_type(value)),
        ));
    };
    bounded(js, field)
}

/// A JS string copied in, refused past [`MAX_INPUT_BYTES`]: by its UTF-16
/// length (never more than its UTF-8 length) before the copy, by its UTF-8
/// length after.
fn bounded(js: &js_sys::JsString, field: &str) -> Result<String, Error> {
    check_size(js.length() as usize, field)?;
    let text = String::from(js);
    check_size(text.len(), field)?;
    Ok(text)
}

fn check_size(bytes: usize, field: &str) -> Result<(), Error> {
    if bytes > MAX_INPUT_BYTES {
        return Err(Error::invalid(
            field,
            format!(
                "is {bytes} bytes long, over the {MAX_INPUT_BYTES} bytes (64 MiB of UTF-8) \
                 one call takes: split it"
            ),
        ));
    }
    Ok(())
}

/// A whole number from 0 to 2^53 - 1.
pub fn count(value: &JsValue, field: &str) -> Result<u64, Error> {
    match value.as_f64() {
        Some(n)
            if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 =>
        {
            Ok(n as u64)
        }
        Some(n) => Err(Error::invalid(
            field,
            format!(
                "must be a whole number from 0 to 2^53-1, got {}",
                js_number(n)
            ),
        )),
        None => Err(Error::invalid(
            field,
            format!("must be a number, got {}", js_type(value)),
        )),
    }
}

/// Any JS value as JSON, for the Rust API's JSON-shaped inputs (messages,
/// options, catalogues). It goes through `JSON.stringify`, so cycles, BigInts
/// and absurd nesting become errors instead of traps, and `__proto__` keys
/// are plain data. Non-finite numbers are kept visible (as the marker strings
/// of [`crate::chat::NON_FINITE`]) so that they are rejected by name instead
/// of becoming null.
pub fn json(value: &JsValue, field: &str) -> Result<serde_json::Value, Error> {
    if value.is_undefined() {
        return Ok(serde_json::Value::Null);
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
    serde_json::from_str(&text)
        .map_err(|e| Error::invalid(field, format!("is not valid input: {e}")))
}

/// [`json`] then a typed read; unknown keys and wrong types are errors, and
/// a non-finite number is named with its path (serde would only say that a
/// string is not an f64, of the whole object).
pub fn typed<T: DeserializeOwned>(value: &JsValue, field: &str) -> Result<T, Error> {
    let v = json(value, field)?;
    crate::chat::reject_non_finite(&v, field)?;
    let v = if v.is_null() {
        serde_json::Value::Object(Default::default())
    } else {
        v
    };
    serde_json::from_value(v).map_err(|e| Error::invalid(field, e.to_string()))
}

/// The values of a plain object whose own keys are all among `keys` (comma
/// separated) and whose values are all short non-empty strings, `null` or
/// `undefined`, in the order of `keys` (`None` where absent or null); `None`
/// for anything else. Options objects come with every call, and this reads
/// one with a single call into JS and a single string back, instead of
/// `JSON.stringify` and a JSON parse. Whatever it declines, the caller reads
/// with [`typed`], which gives the same values or names the error.
pub fn string_fields<const N: usize>(
    value: &JsValue,
    keys: &'static str,
) -> Option<[Option<String>; N]> {
    thread_local! {
        /// The key lists as JS arrays, made once: passing a Rust string to JS
        /// decodes it on every call.
        static KEYS: std::cell::RefCell<Vec<(&'static str, JsValue)>> = const {
            std::cell::RefCell::new(Vec::new())
        };
    }
    let names = KEYS.with_borrow_mut(|known| {
        if let Some((_, names)) = known.iter().find(|(k, _)| std::ptr::eq(*k, keys)) {
            return names.clone();
        }
        let names: JsValue = keys
            .split(',')
            .map(JsValue::from_str)
            .collect::<js_sys::Array>()
            .into();
        known.push((keys, names.clone()));
        names
    });
    let joined = plain_string_fields(value, &names)?;
    let mut parts = joined.split('\0');
    let mut out = [const { None }; N];
    for slot in out.iter_mut() {
        *slot = parts.next().filter(|p| !p.is_empty()).map(str::to_string);
    }
    Some(out)
}

/// A copy of a message object as the caller passed it (`{ ...message }`)
/// with its text replaced by `content`'s: the content string, or the `text`
/// of each text part, in a copy of the parts array (parts parse one to one;
/// the other parts stay the objects passed). Every other key keeps the value
/// passed, NaN, a Date or undefined included, which a copy through JSON would
/// turn into null or a string, or drop. `field` names the message
/// (`messages[3]`) should copying it throw (a getter, a proxy).
pub fn with_texts(message: &JsValue, content: &Content, field: &str) -> Result<JsValue, Error> {
    let texts: JsValue = match content {
        Content::None => JsValue::UNDEFINED,
        Content::Text(t) => JsValue::from_str(t),
        Content::Parts(parts) => parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => JsValue::from_str(t),
                Part::Image { .. } => JsValue::UNDEFINED,
            })
            .collect::<js_sys::Array>()
            .into(),
    };
    copy_with_texts(message, &texts).map_err(|e| {
        let why = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        Error::invalid(field, format!("could not be copied ({why})"))
    })
}

// Static module functions rather than `new Function`, which Workers forbid.
#[wasm_bindgen(inline_js = r#"
export function copyWithTexts(message, texts) {
  const copy = { ...message };
  if (typeof texts === "string") {
    copy.content = texts;
  } else if (Array.isArray(texts) && Array.isArray(message.content)) {
    copy.content = message.content.map((part, j) => (typeof texts[j] === "string" ? { ...part, text: texts[j] } : part));
  }
  return copy;
}
export function stringify(value) {
  return JSON.stringify(value, (k, v) => (typeof v === "number" && !Number.isFinite(v) ? "\0" + String(v) : v));
}
export function plainStringFields(value, keys) {
  try {
    if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
    const out = keys.map(() => "");
    for (const key of Object.keys(value)) {
      const i = keys.indexOf(key), v = value[key];
      if (v == null && i >= 0) continue;
      if (i < 0 || typeof v !== "string" || v === "" || v.length > 256 || v.includes("\0")) return undefined;
      out[i] = v;
    }
    return out.join("\0");
  } catch {
    return undefined; // a throwing getter or proxy: the JSON path reports it
  }
}"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    fn stringify(value: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = copyWithTexts)]
    fn copy_with_texts(message: &JsValue, texts: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = plainStringFields)]
    fn plain_string_fields(value: &JsValue, keys: &JsValue) -> Option<String>;
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

/// A result as a plain JS value (objects, not Maps).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            js_error(Error::new(
                ErrorCode::InvalidArgument,
                format!("result conversion: {e}"),
            ))
        })
}

/// A number as JavaScript writes it ("Infinity", not Rust's "inf").
fn js_number(n: f64) -> String {
    match n {
        f64::INFINITY => "Infinity".to_string(),
        f64::NEG_INFINITY => "-Infinity".to_string(),
        n => n.to_string(),
    }
}

fn js_type(value: &JsValue) -> String {
    if value.is_null() {
        "null".to_string()
    } else if value.is_array() {
        "an array".to_string()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}
