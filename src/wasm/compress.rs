//! compressPrompt and compressMessages.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use std::rc::Rc;

use super::catalogue::split_catalogue;
use super::convert::{json, string, to_js, typed, JsResult};
use super::tokens::tokenizer_option;
use crate::catalogue::Catalogue;
use crate::compress::{self, CompressOptions, CompressedMessages, Level, Step, ToolResults};
use crate::error::Error;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CompressOptionsJs {
    model: Option<String>,
    level: Option<String>,
    normalize_quotes: Option<bool>,
    tool_results: Option<String>,
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
    let tool_results = match o.tool_results.as_deref() {
        None => ToolResults::default(),
        Some(t) => ToolResults::parse_field(t, "options.toolResults")?,
    };
    Ok((
        catalogue,
        CompressOptions {
            model: o.model,
            level,
            normalize_quotes: o.normalize_quotes.unwrap_or(false),
            tool_results,
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
/// text changed (tool results compacted unless `toolResults: "keep"`).
#[wasm_bindgen(js_name = compressMessages)]
pub fn compress_messages(messages: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let (catalogue, opts) = options(&opts)?;
    let c = json(&messages, "messages")?
        .read("messages", |m| {
            compress::message_edits(&catalogue, m, &opts)
        })
        .map_err(tokenizer_option)?;
    let out = to_js(&CompressedMessages {
        messages: (),
        tokens_before: c.tokens_before,
        tokens_after: c.tokens_after,
        saved_tokens: c.saved_tokens,
        saved_percent: c.saved_percent,
        passes: c.passes,
    })?;
    let edits: js_sys::Array = c
        .messages
        .iter()
        .map(|e| {
            let path: js_sys::Array = e
                .path
                .iter()
                .map(|s| match s {
                    Step::Key(k) => JsValue::from_str(k),
                    Step::Index(i) => JsValue::from_f64(*i as f64),
                })
                .collect();
            js_sys::Array::of2(&path, &JsValue::from_str(&e.text))
        })
        .collect();
    // Copies of the objects passed rather than of their JSON, which has no
    // NaN, undefined or Date.
    let list = apply_edits(&messages, &edits)
        .map_err(|_| Error::invalid("messages", "could not be copied"))?;
    js_sys::Reflect::set(&out, &JsValue::from_str("messages"), &list)?;
    Ok(out)
}

// Copies each message (`{ ...message }`), and each object or array on the
// way to an edited text, once; everything else is the object passed.
#[wasm_bindgen(inline_js = r#"
export function applyEdits(messages, edits) {
  const out = messages.map((m) => (m !== null && typeof m === "object" ? { ...m } : m));
  const fresh = new WeakSet(out.filter((m) => m !== null && typeof m === "object"));
  for (const [path, text] of edits) {
    let node = out;
    for (let k = 0; k < path.length - 1; k++) {
      let child = node[path[k]];
      if (k > 0 && !fresh.has(child)) {
        child = Array.isArray(child) ? child.slice() : { ...child };
        fresh.add(child);
        node[path[k]] = child;
      }
      node = child;
    }
    node[path[path.length - 1]] = text;
  }
  return out;
}"#)]
extern "C" {
    #[wasm_bindgen(catch, js_name = applyEdits)]
    fn apply_edits(messages: &JsValue, edits: &js_sys::Array) -> Result<JsValue, JsValue>;
}
