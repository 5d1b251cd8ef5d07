//! compressPrompt and compressMessages.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::convert::{json, string, to_js, typed, with_texts, JsResult};
use crate::chat;
use crate::compress::{self, CompressOptions, CompressedMessages, Level};
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
/// passes }`; the messages are copies of the objects passed with only their
/// text changed.
#[wasm_bindgen(js_name = compressMessages)]
pub fn compress_messages(messages: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let opts = options(&opts)?;
    let parsed =
        json(&messages, "messages")?.read("messages", |m| chat::parse_messages(m, "messages"))?;
    let c = compress::compress_messages(&parsed, &opts)?;
    let out = to_js(&CompressedMessages {
        messages: (),
        tokens_before: c.tokens_before,
        tokens_after: c.tokens_after,
        saved_tokens: c.saved_tokens,
        saved_percent: c.saved_percent,
        passes: c.passes,
    })?;
    // Copies of the objects passed rather than of their JSON, which has no
    // NaN, undefined or Date.
    let passed = messages
        .dyn_ref::<js_sys::Array>()
        .ok_or_else(|| Error::invalid("messages", "must be an array"))?;
    let list = c
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| with_texts(&passed.get(i as u32), &m.content, &format!("messages[{i}]")))
        .collect::<Result<js_sys::Array, Error>>()?;
    js_sys::Reflect::set(&out, &JsValue::from_str("messages"), &list)?;
    Ok(out)
}
