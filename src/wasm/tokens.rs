//! countTokens, encode, decode, countChatTokens and friends.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::catalogue::{default_catalogue, split_catalogue};
use super::convert::{
    count, entry_points_of, in_options, json, string, string_fields, to_js, typed, JsResult,
    MAX_INPUT_BYTES,
};
use crate::catalogue::Catalogue;
use crate::chat;
use crate::counter::TokenCounter;
use crate::error::Error;
use crate::tokens::{AllowedSpecial, Tokenizer, DEFAULT_ENCODING};
use crate::Encoding;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TokenOptions {
    model: Option<String>,
    encoding: Option<String>,
    allowed_special: Option<AllowedSpecialJs>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum AllowedSpecialJs {
    Keyword(String),
    List(Vec<String>),
}

/// The tokenizer of an options object's `model` and `encoding`, by the one
/// rule every counting function follows ([`Catalogue::resolve_tokenizer`]:
/// the model, else the encoding, else o200k_base), with errors naming
/// `options.model` or `options.encoding`. Options objects with more keys
/// (truncateText's, selectChunks' ...) read these two and call this.
pub(super) fn tokenizer(
    catalogue: &Catalogue,
    model: Option<&str>,
    encoding: Option<&str>,
) -> Result<Tokenizer, Error> {
    catalogue
        .resolve_tokenizer(model, encoding)
        .map_err(tokenizer_option)
}

/// An error about the tokenizer's `model` or `encoding`, named where the
/// caller passed it: in the options object.
pub(super) fn tokenizer_option(e: Error) -> Error {
    in_options(e, &["model", "encoding"])
}

/// The tokenizer and special-token policy an options object asks for.
fn options(opts: &JsValue) -> Result<(Tokenizer, AllowedSpecial), Error> {
    if opts.is_undefined() || opts.is_null() {
        return Ok((Tokenizer::new(DEFAULT_ENCODING)?, AllowedSpecial::None));
    }
    // The common case, `{ model }` or `{ encoding }` of strings, is read in
    // one call; an object with a `catalogue` is not (its value is no string).
    let fast = string_fields(opts, "model,encoding,allowedSpecial");
    let (catalogue, rest) = match fast {
        Some(_) => (None, opts.clone()),
        None => split_catalogue(opts).map(|(c, rest)| (Some(c), rest))?,
    };
    let o: TokenOptions = match fast {
        Some([model, encoding, allowed]) => TokenOptions {
            model,
            encoding,
            allowed_special: allowed.map(AllowedSpecialJs::Keyword),
        },
        None => typed(&rest, "options")?,
    };
    // Without a model no catalogue is read: building the default one was
    // most of the first call's time (53-65 ms in Node, bench/PROFILE.md).
    let tokenizer = match o.model.as_deref() {
        None => Tokenizer::for_encoding(o.encoding.as_deref()).map_err(tokenizer_option)?,
        model => tokenizer(
            &catalogue.unwrap_or_else(default_catalogue),
            model,
            o.encoding.as_deref(),
        )?,
    };
    let allowed = match o.allowed_special {
        None => AllowedSpecial::None,
        Some(AllowedSpecialJs::Keyword(k)) if k == "all" => AllowedSpecial::All,
        Some(AllowedSpecialJs::Keyword(k)) if k == "none" => AllowedSpecial::None,
        Some(AllowedSpecialJs::Keyword(k)) => {
            return Err(Error::invalid(
                "options.allowedSpecial",
                format!("must be \"all\", \"none\" or an array of special tokens, got {k:?}"),
            ))
        }
        Some(AllowedSpecialJs::List(list)) => {
            AllowedSpecial::Some(list.into_iter().collect::<HashSet<_>>())
        }
    };
    Ok((tokenizer, allowed))
}

#[wasm_bindgen(js_name = countTokens)]
pub fn count_tokens(text: JsValue, opts: JsValue) -> JsResult<f64> {
    let text = string(&text, "text")?;
    let (tokenizer, allowed) = options(&opts)?;
    Ok(tokenizer.count(&text, &allowed) as f64)
}

#[wasm_bindgen]
pub fn encode(text: JsValue, opts: JsValue) -> JsResult<Vec<u32>> {
    let text = string(&text, "text")?;
    let (tokenizer, allowed) = options(&opts)?;
    Ok(tokenizer
        .encode(&text, &allowed)
        .map_err(tokenizer_option)?)
}

/// `{ tokens, starts }`: the token ids, and where each token's text starts
/// in `text` (UTF-16 offsets, then `text.length`), so that token `i` is
/// shown as `text.slice(starts[i], starts[i + 1])`. BPE splits a
/// character's bytes freely; a character belongs to the token that began
/// it, so a token that begins inside a character starts after it (and its
/// slice is empty when it holds nothing more).
///
/// Given an array of chat messages instead of a text: `{ messages: [{ role,
/// text, tokens, starts }] }`, one entry per message, `text` being the
/// message's text as the chat functions read it ([`chat::Message::text`]:
/// the content, or its text parts joined by a newline) and `tokens` and
/// `starts` as above for that text. The messages are read as
/// countChatTokens reads them ([`chat::parse_messages`]).
#[wasm_bindgen(js_name = encodeWithOffsets)]
pub fn encode_with_offsets(input: JsValue, opts: JsValue) -> JsResult<JsValue> {
    if input.is_array() {
        let messages =
            json(&input, "messages")?.read("messages", |m| chat::parse_messages(m, "messages"))?;
        let (tokenizer, allowed) = options(&opts)?;
        let out = js_sys::Array::new();
        for message in &messages {
            let text = message.text();
            let entry = offsets_object(&tokenizer, &allowed, &text)?;
            js_sys::Reflect::set(&entry, &"role".into(), &message.role.as_str().into())?;
            js_sys::Reflect::set(&entry, &"text".into(), &text.as_str().into())?;
            out.push(&entry);
        }
        let result = js_sys::Object::new();
        js_sys::Reflect::set(&result, &"messages".into(), &out)?;
        return Ok(result.into());
    }
    let text = string(&input, "text")?;
    let (tokenizer, allowed) = options(&opts)?;
    Ok(offsets_object(&tokenizer, &allowed, &text)?.into())
}

/// `{ tokens, starts }` of one text, as [`encode_with_offsets`] returns them.
fn offsets_object(
    tokenizer: &Tokenizer,
    allowed: &AllowedSpecial,
    text: &str,
) -> JsResult<js_sys::Object> {
    let (tokens, starts) = tokenizer
        .encode_with_offsets(text, allowed)
        .map_err(tokenizer_option)?;
    let out = js_sys::Object::new();
    let tokens = js_sys::Uint32Array::from(tokens.as_slice());
    let starts = js_sys::Uint32Array::from(utf16_offsets(text, &starts).as_slice());
    js_sys::Reflect::set(&out, &"tokens".into(), &tokens)?;
    js_sys::Reflect::set(&out, &"starts".into(), &starts)?;
    Ok(out)
}

/// Byte offsets of `text` (ascending) as UTF-16 offsets, each moved forward
/// to the first character that starts at or after it.
fn utf16_offsets(text: &str, bytes: &[usize]) -> Vec<u32> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut chars = text.char_indices().peekable();
    let mut utf16 = 0u32;
    for &b in bytes {
        while let Some(&(at, c)) = chars.peek() {
            if at >= b {
                break;
            }
            utf16 += c.len_utf16() as u32;
            chars.next();
        }
        out.push(utf16);
    }
    out
}

#[wasm_bindgen]
pub fn decode(tokens: JsValue, opts: JsValue) -> JsResult<String> {
    let ids = token_ids(&tokens)?;
    let (tokenizer, _) = options(&opts)?;
    Ok(tokenizer.decode(&ids).map_err(tokenizer_option)?)
}

/// A `Uint32Array` or an array of whole numbers.
fn token_ids(tokens: &JsValue) -> Result<Vec<u32>, Error> {
    if let Some(array) = tokens.dyn_ref::<js_sys::Uint32Array>() {
        return Ok(array.to_vec());
    }
    let Some(array) = tokens.dyn_ref::<js_sys::Array>() else {
        return Err(Error::invalid(
            "tokens",
            "must be a Uint32Array or an array of token ids",
        ));
    };
    array
        .iter()
        .enumerate()
        .map(|(i, v)| match v.as_f64() {
            Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => Ok(n as u32),
            _ => Err(Error::field(
                crate::ErrorCode::InvalidToken,
                format!("tokens[{i}]"),
                "is not a token id (a whole number from 0)",
            )),
        })
        .collect()
}

#[wasm_bindgen(js_name = encodingForModel)]
pub fn encoding_for_model(model: JsValue, opts: JsValue) -> JsResult<String> {
    let model = string(&model, "model")?;
    let (catalogue, _) = split_catalogue(&opts)?;
    Ok(catalogue.encoding_for_model(&model)?.name().to_string())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenizerInfoJs {
    encoding: &'static str,
    exact: bool,
    method: String,
    factor: f64,
    /// For an estimate: the model's own encoding and the entry points that
    /// count it exactly ("tokenmeter/llama3").
    #[serde(skip_serializing_if = "Option::is_none")]
    exact_encoding: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exact_in: Option<String>,
}

#[wasm_bindgen(js_name = tokenizerInfo)]
pub fn tokenizer_info(model: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let model = string(&model, "model")?;
    let (catalogue, _) = split_catalogue(&opts)?;
    let info = catalogue.tokenizer_info(&model)?;
    to_js(&TokenizerInfoJs {
        encoding: info.encoding.name(),
        exact: info.exact,
        method: info.method,
        factor: f64::from(info.factor_per_mille) / 1000.0,
        exact_encoding: info.exact_elsewhere.map(|e| e.name()),
        exact_in: info.exact_elsewhere.and_then(|e| entry_points_of(e.name())),
    })
}

/// The encodings this build carries.
#[wasm_bindgen(js_name = bundledEncodings)]
pub fn bundled_encodings() -> Vec<String> {
    Encoding::bundled().map(|e| e.name().to_string()).collect()
}

/// The package entry points that carry `encoding` ("tokenmeter/llama3"),
/// from data/entry-points.json: how the command line (and a user) finds the
/// module that counts a model exactly.
#[wasm_bindgen(js_name = entryPointsOf)]
pub fn entry_points_for(encoding: JsValue) -> JsResult<Vec<String>> {
    let name = string(&encoding, "encoding")?;
    let encoding = Encoding::from_name(&name)?;
    Ok(entry_points_of(encoding.name())
        .map(|list| list.split(" or ").map(str::to_string).collect())
        .unwrap_or_default())
}

/// The count of a JS string if it is at most `limit`. A long string is read
/// in growing prefixes (x4 each time), so a text far over the limit is
/// rejected without copying all of it into wasm memory.
fn within_limit(
    tokenizer: &Tokenizer,
    allowed: &AllowedSpecial,
    input: &JsValue,
    field: &str,
    limit: usize,
) -> Result<Option<usize>, Error> {
    let Some(js) = input.dyn_ref::<js_sys::JsString>() else {
        return Err(Error::invalid(
            field,
            "must be a string or an array of messages",
        ));
    };
    let len = js.length();
    let mut size = u32::try_from(limit.saturating_mul(8))
        .unwrap_or(u32::MAX)
        .max(1 << 16);
    // Past a third of the input limit a prefix could pass it in UTF-8:
    // the whole text then goes to `string`, which refuses what is too long.
    while size < len && size as usize <= MAX_INPUT_BYTES / 3 {
        // Never end a prefix between the halves of a surrogate pair.
        let end = if (55296.0..56320.0).contains(&js.char_code_at(size - 1)) {
            size - 1
        } else {
            size
        };
        if let Some(prefix) = js.slice(0, end).as_string() {
            if tokenizer.prefix_exceeds(&prefix, allowed, limit) {
                return Ok(None);
            }
        }
        size = size.saturating_mul(4);
    }
    Ok(tokenizer.count_within(&string(input, field)?, allowed, limit))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChatOptions {
    model: Option<String>,
    tools: Option<serde_json::Value>,
}

/// A chat request to count: the model, its tokenizer, messages and tools.
struct ChatRequest {
    model: String,
    tokenizer: Tokenizer,
    messages: Vec<chat::Message>,
    tools: Vec<chat::Tool>,
}

fn chat_request(messages: &JsValue, opts: &JsValue) -> Result<ChatRequest, Error> {
    let (catalogue, rest) = split_catalogue(opts)?;
    let o: ChatOptions = typed(&rest, "options")?;
    let model = o
        .model
        .ok_or_else(|| Error::invalid("options.model", "is required to count chat messages"))?;
    // The request is read before the model is resolved: a malformed one is
    // that, whichever build reads it.
    let messages =
        json(messages, "messages")?.read("messages", |m| chat::parse_messages(m, "messages"))?;
    let tools = match o.tools {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(t) => chat::parse_tools(&t, "options.tools")?,
    };
    let tokenizer = tokenizer(&catalogue, Some(&model), None)?;
    Ok(ChatRequest {
        model,
        tokenizer,
        messages,
        tools,
    })
}

#[wasm_bindgen(js_name = countChatTokens)]
pub fn count_chat_tokens(messages: JsValue, opts: JsValue) -> JsResult<f64> {
    let r = chat_request(&messages, &opts)?;
    Ok(chat::count_chat_tokens(&r.tokenizer, &r.model, &r.messages, &r.tools)? as f64)
}

/// The count if it is at most `limit`, else `false`; stops early.
#[wasm_bindgen(js_name = isWithinTokenLimit)]
pub fn is_within_token_limit(input: JsValue, limit: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let limit = usize::try_from(count(&limit, "limit")?).unwrap_or(usize::MAX);
    let within = if input.is_array() {
        let r = chat_request(&input, &opts)?;
        chat::count_chat_within(&r.tokenizer, &r.model, &r.messages, &r.tools, limit)?
    } else {
        let (tokenizer, allowed) = options(&opts)?;
        within_limit(&tokenizer, &allowed, &input, "input", limit)?
    };
    Ok(within.map_or(JsValue::FALSE, |n| JsValue::from_f64(n as f64)))
}

/// A tokenizer bound to one encoding or model, for hot paths: it resolves the
/// options once instead of on every call.
#[wasm_bindgen(js_name = Tokenizer)]
pub struct JsTokenizer {
    inner: Tokenizer,
    allowed: AllowedSpecial,
}

#[wasm_bindgen(js_class = Tokenizer)]
impl JsTokenizer {
    /// `new Tokenizer({ model?, encoding?, allowedSpecial? })`.
    #[wasm_bindgen(constructor)]
    pub fn new(opts: JsValue) -> JsResult<JsTokenizer> {
        let (inner, allowed) = options(&opts)?;
        Ok(JsTokenizer { inner, allowed })
    }

    #[wasm_bindgen(getter)]
    pub fn encoding(&self) -> String {
        self.inner.encoding().name().to_string()
    }

    /// Whether counts are exact (false for estimated models).
    #[wasm_bindgen(getter)]
    pub fn exact(&self) -> bool {
        self.inner.is_exact()
    }

    pub fn count(&self, text: JsValue) -> JsResult<f64> {
        Ok(self.inner.count(&string(&text, "text")?, &self.allowed) as f64)
    }

    pub fn encode(&self, text: JsValue) -> JsResult<Vec<u32>> {
        Ok(self
            .inner
            .encode(&string(&text, "text")?, &self.allowed)
            .map_err(tokenizer_option)?)
    }

    pub fn decode(&self, tokens: JsValue) -> JsResult<String> {
        Ok(self
            .inner
            .decode(&token_ids(&tokens)?)
            .map_err(tokenizer_option)?)
    }

    /// The count if it is at most `limit`, else `false`; stops early.
    #[wasm_bindgen(js_name = isWithinTokenLimit)]
    pub fn is_within_token_limit(&self, text: JsValue, limit: JsValue) -> JsResult<JsValue> {
        let limit = usize::try_from(count(&limit, "limit")?).unwrap_or(usize::MAX);
        Ok(
            within_limit(&self.inner, &self.allowed, &text, "text", limit)?
                .map_or(JsValue::FALSE, |n| JsValue::from_f64(n as f64)),
        )
    }
}

/// Counts a text pushed in parts exactly as counting it whole (a file read
/// in chunks, a streamed reply), holding only its unsettled end.
#[wasm_bindgen(js_name = TokenCounter)]
pub struct JsTokenCounter {
    inner: TokenCounter,
}

#[wasm_bindgen(js_class = TokenCounter)]
impl JsTokenCounter {
    /// `new TokenCounter({ model?, encoding? })`: ordinary text only.
    #[wasm_bindgen(constructor)]
    pub fn new(opts: JsValue) -> JsResult<JsTokenCounter> {
        let (tokenizer, allowed) = options(&opts)?;
        if allowed != AllowedSpecial::None {
            return Err(Error::invalid(
                "options.allowedSpecial",
                "TokenCounter counts ordinary text: special-token texts are text (leave allowedSpecial out or \"none\")",
            )
            .into());
        }
        Ok(JsTokenCounter {
            inner: TokenCounter::new(tokenizer),
        })
    }

    /// Adds the next part of the text.
    pub fn push(&mut self, text: JsValue) -> JsResult<()> {
        self.inner.push(&string(&text, "text")?);
        Ok(())
    }

    /// The tokens of everything pushed so far.
    pub fn count(&self) -> f64 {
        self.inner.count() as f64
    }

    /// The bytes of text held, not yet settled.
    #[wasm_bindgen(getter, js_name = heldBytes)]
    pub fn held_bytes(&self) -> f64 {
        self.inner.held_bytes() as f64
    }

    #[wasm_bindgen(getter)]
    pub fn encoding(&self) -> String {
        self.inner.tokenizer().encoding().name().to_string()
    }

    /// Whether counts are exact (false for estimated models).
    #[wasm_bindgen(getter)]
    pub fn exact(&self) -> bool {
        self.inner.tokenizer().is_exact()
    }
}
