//! Messages out as the objects passed, with only their text changed.

use wasm_bindgen::prelude::*;

use super::js::copy_with_texts;
use crate::chat::{Content, Part};
use crate::error::Error;

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
