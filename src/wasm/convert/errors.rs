//! Errors out: a real JS `Error` with the stable code and the field.

use wasm_bindgen::prelude::*;

use crate::error::Error;

pub type JsResult<T> = Result<T, JsValue>;

include!(concat!(env!("OUT_DIR"), "/entry_points.rs"));

/// The package entry points that carry `encoding` (data/entry-points.json),
/// as "tokenmeter or tokenmeter/all".
pub fn entry_points_of(encoding: &str) -> Option<String> {
    entries_where(|(_, encodings, _)| encodings.contains(&encoding))
}

fn entries_where(carries: impl Fn(&&(&str, &[&str], &[&str])) -> bool) -> Option<String> {
    let entries: Vec<&str> = ENTRY_POINTS
        .iter()
        .filter(carries)
        .map(|(import, _, _)| *import)
        .collect();
    (!entries.is_empty()).then(|| entries.join(" or "))
}

/// An `ENCODING_NOT_BUNDLED` or `FEATURE_NOT_BUNDLED` message with the entry
/// points that carry what is missing.
fn with_entry_points(e: &Error) -> Option<String> {
    let entries = match (e.encoding(), e.feature()) {
        (Some(encoding), _) => entry_points_of(encoding)?,
        (None, Some(feature)) => entries_where(|(_, _, f)| f.contains(&feature))?,
        (None, None) => return None,
    };
    Some(format!("{}; import it from {entries}", e.message()))
}

/// A real JS `Error` with a stable `code` and the `field` it concerns.
pub fn js_error(e: Error) -> JsValue {
    let message = with_entry_points(&e);
    let err = js_sys::Error::new(message.as_deref().unwrap_or(e.message()));
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
