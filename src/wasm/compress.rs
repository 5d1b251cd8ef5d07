//! compressPrompt and compressMessages.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::convert::{json, string, to_js, typed, JsResult};
use crate::compress::{self, CompressOptions, Level};
use crate::error::Error;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CompressOptionsJs {
    model: Option<String>,
    level: Option<String>,
    normalize_quotes: Option<bool>,
}

fn options(opts: &JsValue) -> Result<CompressOptions, Error> {
    let o: CompressOptionsJs = if opts.is_undefined() || opts.is_null() {
        CompressOptionsJs::default()
    } else {
        typed(opts, "options")?
    };
    let level = match o.level.as_deref() {
        None => Level::default(),
        Some(l) => Level::parse_field(l, "options.level")?,
    };
    Ok(CompressOptions {
        model: o.model,
        level,
        normalize_quotes: o.normalize_quotes.unwrap_or(false),
    })
}

/// `{ text, tokensBefore, tokensAfter, savedTokens, savedPercent, passes }`.
#[wasm_bindgen(js_name = compressPrompt)]
pub fn compress_prompt(text: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let text = string(&text, "text")?;
    let opts = options(&opts)?;
    to_js(&compress::compress_prompt(&text, &opts)?)
}

/// `{ messages, tokensBefore, tokensAfter, savedTokens, savedPercent,
/// passes }`; the messages keep every key, only their text changes.
#[wasm_bindgen(js_name = compressMessages)]
pub fn compress_messages(messages: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let opts = options(&opts)?;
    let messages = json(&messages, "messages")?;
    to_js(&compress::compress_messages_json(&messages, &opts)?)
}
