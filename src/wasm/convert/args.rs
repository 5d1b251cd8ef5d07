//! Arguments in: strings (bounded), whole numbers, plain options objects;
//! results out as plain JS values.

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::errors::{js_error, JsResult};
use super::js::plain_string_fields;
use crate::error::{Error, ErrorCode};

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
pub(super) fn bounded(js: &js_sys::JsString, field: &str) -> Result<String, Error> {
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

/// A JSON object of `pairs`, for results: the `json!` macro inlines a run
/// of code per object, this is one call. One function for every size (no
/// const generic): each instance would carry its own copy of the
/// map-building code.
pub fn object(pairs: Vec<(&str, Value)>) -> Value {
    let mut map = serde_json::Map::new();
    for (k, v) in pairs {
        map.insert(k.to_string(), v);
    }
    Value::Object(map)
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
pub(super) fn js_number(n: f64) -> String {
    match n {
        f64::INFINITY => "Infinity".to_string(),
        f64::NEG_INFINITY => "-Infinity".to_string(),
        n => n.to_string(),
    }
}

pub(super) fn js_type(value: &JsValue) -> String {
    if value.is_null() {
        "null".to_string()
    } else if value.is_array() {
        "an array".to_string()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}
