//! compressPrompt and compressMessages.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use std::rc::Rc;

use super::catalogue::split_catalogue;
use super::convert::{json, string, to_js, typed, with_texts, JsResult};
use super::tokens::tokenizer_option;
use crate::catalogue::Catalogue;
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

fn options(opts: &JsValue) -> Result<(Rc<Catalogue>, CompressOptions), Error> {
    let (catalogue, rest) = split_catalogue(opts)?;
    let o: CompressOptionsJs = if rest.is_undefined() || rest.is_null() {
        CompressOptionsJs::default()
    } else {
        typed(&rest, "options")?
    };
    let level = match o.level.as_deref() {
        None => Level::default(),
        Some(l) => Level::parse_field(l, "options.level")?,
    };
    Ok((
        catalogue,
        CompressOptions {
            model: o.model,
            level,
            normalize_quotes: o.normalize_quotes.unwrap_or(false),
        },
    ))
}

/// `{ text, tokensBefore, tokensAfter, savedTokens, savedPercent, passes }`.
#[wasm_bindgen(js_name = compressPrompt)]
pub fn compress_prompt(text: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let text = string(&text, "text")?;
    let (catalogue, opts) = options(&opts)?;
    to_js(&compress::compress_prompt(&catalogue, &text, &opts).map_err(tokenizer_option)?)
}

/// `{ messages, tokensBefore, tokensAfter, savedTokens, savedPercent,
/// passes }`; the messages are copies of the objects passed with only their
/// text changed.
#[wasm_bindgen(js_name = compressMessages)]
pub fn compress_messages(messages: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let (catalogue, opts) = options(&opts)?;
    let parsed =
        json(&messages, "messages")?.read("messages", |m| chat::parse_messages(m, "messages"))?;
    let c = compress::compress_messages(&catalogue, &parsed, &opts).map_err(tokenizer_option)?;
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
