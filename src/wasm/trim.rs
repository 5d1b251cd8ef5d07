//! trimMessages, truncateText, selectChunks and splitByTokens.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::catalogue::split_catalogue;
use super::convert::{count, in_options, json, string, to_js, typed, with_texts, JsResult};
use super::tokens::tokenizer;
use crate::catalogue::token_count;
use crate::chat::{self, type_name};
use crate::error::Error;
use crate::trim::{self, Keep, OnOverflow, PackMode, Strategy, TrimOptions};

/// One of a few strings in an options object, by name, or `None` when absent;
/// anything else is an error at `field` (`options.strategy` ...) listing them.
fn choice<T: Copy>(
    value: Option<Value>,
    field: &str,
    choices: &[(&str, T)],
) -> Result<Option<T>, Error> {
    let names: Vec<String> = choices.iter().map(|(n, _)| format!("{n:?}")).collect();
    let got = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => match choices.iter().find(|(n, _)| *n == s) {
            Some((_, c)) => return Ok(Some(*c)),
            None => format!("{:?}", crate::encodings::truncate_for_message(&s)),
        },
        Some(v) => type_name(&v).to_string(),
    };
    Err(Error::invalid(
        field,
        format!("must be {}, got {got}", names.join(" or ")),
    ))
}

/// An optional whole number of tokens from an options object.
fn tokens(value: Option<Value>, field: &str) -> Result<Option<u64>, Error> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => token_count(n.as_f64().unwrap_or(f64::NAN), field).map(Some),
        Some(v) => Err(Error::invalid(
            field,
            format!("must be a whole number of tokens, got {}", type_name(&v)),
        )),
    }
}

fn required_model(model: Option<String>) -> Result<String, Error> {
    model.ok_or_else(|| Error::invalid("options.model", "is required"))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TrimOptionsJs {
    model: Option<String>,
    max_context_tokens: Option<Value>,
    reserve_output_tokens: Option<Value>,
    strategy: Option<Value>,
    keep_system: Option<bool>,
    keep_last_user: Option<bool>,
    summary: Option<String>,
    tools: Option<Value>,
    on_overflow: Option<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TrimmedJs {
    messages: Vec<Value>,
    input_tokens: usize,
    dropped: Vec<usize>,
    truncated: Vec<usize>,
    fits: bool,
}

/// `{ messages, inputTokens, dropped, truncated, fits }`. Kept messages are
/// the objects passed; truncated ones are copies with only their text
/// changed; the summary is `{ role: "system", content }`.
#[wasm_bindgen(js_name = trimMessages)]
pub fn trim_messages(messages: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let (catalogue, rest) = split_catalogue(&opts)?;
    let o: TrimOptionsJs = typed(&rest, "options")?;
    let parsed =
        json(&messages, "messages")?.read("messages", |m| chat::parse_messages(m, "messages"))?;
    let mut options = TrimOptions::new(required_model(o.model)?);
    options.max_context_tokens = tokens(o.max_context_tokens, "options.maxContextTokens")?;
    options.reserve_output_tokens =
        tokens(o.reserve_output_tokens, "options.reserveOutputTokens")?.unwrap_or(0);
    options.strategy = choice(
        o.strategy,
        "options.strategy",
        &[
            ("drop-oldest", Strategy::DropOldest),
            ("drop-middle", Strategy::DropMiddle),
        ],
    )?
    .unwrap_or(Strategy::DropOldest);
    options.keep_system = o.keep_system.unwrap_or(true);
    options.keep_last_user = o.keep_last_user.unwrap_or(true);
    options.summary = o.summary;
    options.tools = match o.tools {
        None | Some(Value::Null) => Vec::new(),
        Some(t) => chat::parse_tools(&t, "options.tools")?,
    };
    options.on_overflow = choice(
        o.on_overflow,
        "options.onOverflow",
        &[
            ("truncate", OnOverflow::Truncate),
            ("error", OnOverflow::Error),
        ],
    )?
    .unwrap_or(OnOverflow::Truncate);
    let result = trim::trim_messages(&catalogue, &parsed, &options)
        .map_err(|e| in_options(e, &["maxContextTokens", "reserveOutputTokens", "model"]))?;

    let summaries = result
        .sources
        .iter()
        .zip(&result.messages)
        .map(|(source, message)| match source {
            None => serde_json::json!({ "role": "system", "content": message.text() }),
            Some(_) => Value::Null, // from the objects passed, below
        })
        .collect();
    let out = to_js(&TrimmedJs {
        messages: summaries,
        input_tokens: result.input_tokens,
        dropped: result.dropped,
        truncated: result.truncated.clone(),
        fits: result.fits,
    })?;
    // A kept message goes back as the very object passed, a truncated one as
    // a copy of it with its text changed: nothing in either is copied back
    // through JSON, which has no NaN, undefined or Date.
    let passed = messages
        .dyn_ref::<js_sys::Array>()
        .ok_or_else(|| Error::invalid("messages", "must be an array"))?;
    let list: js_sys::Array =
        js_sys::Reflect::get(&out, &JsValue::from_str("messages"))?.unchecked_into();
    for (k, (source, message)) in result.sources.iter().zip(&result.messages).enumerate() {
        let Some(i) = *source else { continue };
        let original = passed.get(i as u32);
        let item = if result.truncated.contains(&i) {
            with_texts(&original, &message.content, &format!("messages[{i}]"))?
        } else {
            original
        };
        list.set(k as u32, item);
    }
    Ok(out)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TruncateOptionsJs {
    model: Option<String>,
    encoding: Option<String>,
    keep: Option<Value>,
    marker: Option<String>,
}

#[wasm_bindgen(js_name = truncateText)]
pub fn truncate_text(text: JsValue, max_tokens: JsValue, opts: JsValue) -> JsResult<String> {
    let text = string(&text, "text")?;
    let max_tokens = count(&max_tokens, "maxTokens")?;
    let (catalogue, rest) = split_catalogue(&opts)?;
    let o: TruncateOptionsJs = typed(&rest, "options")?;
    let keep = choice(
        o.keep,
        "options.keep",
        &[
            ("start", Keep::Start),
            ("end", Keep::End),
            ("middle", Keep::Middle),
        ],
    )?
    .unwrap_or(Keep::Start);
    let marker = o.marker.as_deref().unwrap_or(trim::DEFAULT_MARKER);
    let tokenizer = tokenizer(&catalogue, o.model.as_deref(), o.encoding.as_deref())?;
    Ok(trim::truncate_text(
        &text, max_tokens, &tokenizer, keep, marker,
    )?)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SelectOptionsJs {
    model: Option<String>,
    encoding: Option<String>,
    budget: Option<Value>,
    separator: Option<String>,
    mode: Option<Value>,
}

#[derive(Serialize)]
struct SelectionJs {
    indices: Vec<usize>,
    tokens: usize,
}

/// `{ indices, tokens }`.
#[wasm_bindgen(js_name = selectChunks)]
pub fn select_chunks(chunks: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let list = json(&chunks, "chunks")?;
    let chunks = list.read("chunks", |list| {
        let items = list.as_array().ok_or_else(|| {
            Error::invalid(
                "chunks",
                format!("must be an array of strings, got {}", type_name(list)),
            )
        })?;
        items
            .iter()
            .enumerate()
            .map(|(i, c)| {
                c.as_str().ok_or_else(|| {
                    Error::invalid(
                        format!("chunks[{i}]"),
                        format!("must be a string, got {}", type_name(c)),
                    )
                })
            })
            .collect::<Result<Vec<&str>, Error>>()
    })?;
    let (catalogue, rest) = split_catalogue(&opts)?;
    let o: SelectOptionsJs = typed(&rest, "options")?;
    let tokenizer = tokenizer(&catalogue, o.model.as_deref(), o.encoding.as_deref())?;
    let budget = tokens(o.budget, "options.budget")?
        .ok_or_else(|| Error::invalid("options.budget", "is required"))?;
    let mode = choice(
        o.mode,
        "options.mode",
        &[
            ("in-order", PackMode::InOrder),
            ("skip-oversize", PackMode::SkipOversize),
        ],
    )?
    .unwrap_or(PackMode::InOrder);
    let separator = o.separator.as_deref().unwrap_or(trim::DEFAULT_SEPARATOR);
    let s = trim::select_chunks(&chunks, &tokenizer, budget, separator, mode)?;
    to_js(&SelectionJs {
        indices: s.indices,
        tokens: s.tokens,
    })
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SplitOptionsJs {
    model: Option<String>,
    encoding: Option<String>,
    chunk_tokens: Option<Value>,
    overlap_tokens: Option<Value>,
}

#[wasm_bindgen(js_name = splitByTokens)]
pub fn split_by_tokens(text: JsValue, opts: JsValue) -> JsResult<Vec<String>> {
    let text = string(&text, "text")?;
    let (catalogue, rest) = split_catalogue(&opts)?;
    let o: SplitOptionsJs = typed(&rest, "options")?;
    let tokenizer = tokenizer(&catalogue, o.model.as_deref(), o.encoding.as_deref())?;
    let chunk_tokens = tokens(o.chunk_tokens, "options.chunkTokens")?
        .ok_or_else(|| Error::invalid("options.chunkTokens", "is required"))?;
    let overlap = tokens(o.overlap_tokens, "options.overlapTokens")?.unwrap_or(0);
    // By the model's name where one was passed, so that its errors name it.
    Ok(
        trim::split_by_tokens(&text, &tokenizer, o.model.as_deref(), chunk_tokens, overlap)
            .map_err(|e| in_options(e, &["chunkTokens", "overlapTokens"]))?,
    )
}
