//! `meterStream`, `StreamMeter` and `fromAnthropicRequest` in a build
//! without the `meter` feature (tokenmeter/o200k, kept small for counting):
//! the same names, so that a caller gets a coded error naming the entry
//! points that carry the stream meter rather than "is not a function".

use wasm_bindgen::prelude::*;

use super::convert::JsResult;
use crate::error::Error;

fn absent(field: &str, what: &str) -> JsValue {
    Error::feature_not_bundled(field, what, "meter").into()
}

/// The stream meter's class; in this build its constructor throws.
#[wasm_bindgen(js_name = StreamMeter)]
pub struct JsStreamMeter {}

#[wasm_bindgen(js_class = StreamMeter)]
impl JsStreamMeter {
    #[wasm_bindgen(constructor)]
    pub fn new(_opts: JsValue) -> JsResult<JsStreamMeter> {
        Err(absent("options", "metering a streamed reply"))
    }
}

#[wasm_bindgen(js_name = meterStream)]
pub fn meter_stream(_source: JsValue, _opts: JsValue) -> JsResult<JsValue> {
    Err(absent("options", "metering a streamed reply"))
}

#[wasm_bindgen(js_name = fromAnthropicRequest)]
pub fn from_anthropic_request(_request: JsValue) -> JsResult<JsValue> {
    Err(absent("request", "reading an Anthropic request"))
}
