//! meterStream, the StreamMeter class and fromAnthropicRequest.
//!
//! `meterStream` builds, in a few lines of JS, a pull-based ReadableStream
//! over the source that hands each chunk to a `StreamMeter` (the Rust
//! meter) and then on, unchanged, only when the consumer asks for one
//! (highWaterMark 0: nothing is read ahead of the consumer). Its end, a
//! source error or a cancel finishes the meter once, which resolves the
//! `usage` promise.

use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::catalogue::split_catalogue;
use super::convert::{json, object, to_js, typed, JsResult};
use super::tokens::tokenizer_option;
use crate::chat;
use crate::error::Error;
use crate::meter::{self, Counting, MeteredUsage, Prompt, StreamMeter};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MeterOptions {
    model: Option<String>,
    request: Option<Value>,
    format: Option<String>,
}

/// Meters one streamed reply: `push(chunk)` each chunk of its body, then
/// `finish(complete)` once for its usage. Holds wasm memory until
/// `finish` (meterStream frees it then) or `free()`.
#[wasm_bindgen(js_name = StreamMeter)]
pub struct JsStreamMeter {
    inner: StreamMeter,
    /// Reused for each chunk copied in.
    buf: Vec<u8>,
}

fn prompt(request: &Value) -> Result<Prompt, Error> {
    let field = "options.request";
    let obj = request.as_object().ok_or_else(|| {
        Error::invalid(
            field,
            format!(
                "must be a chat request ({{ messages, tools? }}), got {}",
                chat::type_name(request)
            ),
        )
    })?;
    let messages = obj
        .get("messages")
        .ok_or_else(|| Error::invalid(format!("{field}.messages"), "is required"))?;
    Ok(Prompt {
        messages: chat::parse_messages(messages, &format!("{field}.messages"))?,
        tools: match obj.get("tools") {
            None | Some(Value::Null) => Vec::new(),
            Some(t) => chat::parse_tools(t, &format!("{field}.tools"))?,
        },
    })
}

fn usage_json(m: &MeteredUsage) -> Value {
    let u = &m.usage;
    object(vec![
        ("format", Value::from(m.format)),
        ("model", Value::from(m.model.as_deref())),
        ("inputTokens", Value::from(u.input_tokens)),
        ("outputTokens", Value::from(u.output_tokens)),
        ("cachedInputTokens", Value::from(u.cached_input_tokens)),
        ("cacheWriteTokens", Value::from(u.cache_write_tokens)),
        ("cacheWrite1hTokens", Value::from(u.cache_write_1h_tokens)),
        ("reasoningTokens", Value::from(u.reasoning_tokens)),
        ("source", Value::from(m.source.as_str())),
        ("complete", Value::from(m.complete)),
        ("malformedEvents", Value::from(m.malformed_events)),
    ])
}

#[wasm_bindgen(js_class = StreamMeter)]
impl JsStreamMeter {
    /// `new StreamMeter({ model, request?, format?, catalogue? })`. The
    /// model's tokenizer is only needed if the stream reports no usage: a
    /// model tokenmeter cannot count is an error of `finish` then, not here.
    #[wasm_bindgen(constructor)]
    pub fn new(opts: JsValue) -> JsResult<JsStreamMeter> {
        let (catalogue, rest) = split_catalogue(&opts)?;
        let o: MeterOptions = typed(&rest, "options")?;
        let model = o
            .model
            .ok_or_else(|| Error::invalid("options.model", "is required (a model id)"))?;
        let format = o
            .format
            .map(|f| {
                meter::format(&f).ok_or_else(|| {
                    Error::invalid(
                        "options.format",
                        format!("{f:?} is not one of {}", meter::FORMAT_NAMES),
                    )
                })
            })
            .transpose()?;
        let prompt = o.request.as_ref().map(prompt).transpose()?;
        let tokenizer = catalogue.tokenizer(&model).map_err(tokenizer_option);
        Ok(JsStreamMeter {
            inner: StreamMeter::new(
                Some(Counting {
                    model,
                    tokenizer,
                    prompt,
                }),
                format,
            ),
            buf: Vec::new(),
        })
    }

    /// Reads the next chunk of the reply (a Uint8Array).
    pub fn push(&mut self, chunk: &JsValue) -> JsResult<()> {
        let bytes = chunk.dyn_ref::<js_sys::Uint8Array>().ok_or_else(|| {
            Error::invalid(
                "chunk",
                "must be a Uint8Array (a chunk of the reply's body)",
            )
        })?;
        self.buf.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut self.buf);
        self.inner.push(&self.buf);
        Ok(())
    }

    /// The usage, once: `complete` says whether the source ended normally
    /// (false: it was cut off, cancelled or failed).
    pub fn finish(&mut self, complete: bool) -> JsResult<JsValue> {
        self.buf = Vec::new();
        to_js(&usage_json(&self.inner.finish(complete)?))
    }

    /// Bytes the meter holds (the current event, the output kept for
    /// counting): flat however long the stream.
    #[wasm_bindgen(getter, js_name = heldBytes)]
    pub fn held_bytes(&self) -> f64 {
        self.inner.held_bytes() as f64
    }
}

#[wasm_bindgen(js_name = meterStream)]
pub fn meter_stream(source: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let meter = JsStreamMeter::new(opts)?;
    let piped = meter_pipe(&source, meter.into());
    match piped.as_string().as_deref() {
        None => Ok(piped),
        Some(why) => Err(Error::invalid(
            "source",
            match why {
                "used" => "is a Response whose body was already read",
                "locked" => "is a ReadableStream that is already being read (locked)",
                "nobody" => "is a Response without a body",
                _ => "must be a Response or a ReadableStream of Uint8Array chunks",
            },
        )
        .into()),
    }
}

// A pull-based pipe: the source is read only when the consumer reads, so
// backpressure is the consumer's. Each chunk goes to the meter and then on,
// the same object. The meter finishes once: at the source's end (complete),
// on a source error or a consumer's cancel (not complete). A chunk that is
// not a Uint8Array errors the stream (and the usage) with a coded error.
#[wasm_bindgen(inline_js = r#"
export function meterPipe(source, meter) {
  let body = source;
  if (!(source && typeof source.getReader === "function")) {
    if (!source || typeof source !== "object" || !("bodyUsed" in source)) { meter.free(); return "not"; }
    if (source.bodyUsed) { meter.free(); return "used"; }
    body = source.body;
    if (!body) { meter.free(); return "nobody"; }
  }
  let reader;
  try { reader = body.getReader(); } catch { meter.free(); return "locked"; }
  let resolve, reject, open = true;
  const usage = new Promise((res, rej) => { resolve = res; reject = rej; });
  usage.catch(() => {});
  const end = (complete, error) => {
    if (!open) return;
    open = false;
    try { if (error) throw error; resolve(meter.finish(complete)); } catch (e) { reject(e); } finally { meter.free(); }
  };
  const stream = new ReadableStream({
    async pull(controller) {
      let next;
      try { next = await reader.read(); } catch (e) { end(false); controller.error(e); return; }
      if (next.done) { end(true); controller.close(); return; }
      try { meter.push(next.value); } catch (e) { end(false, e); controller.error(e); reader.cancel(e).catch(() => {}); return; }
      controller.enqueue(next.value);
    },
    cancel(reason) { end(false); return reader.cancel(reason); },
  }, { highWaterMark: 0 });
  return { stream, usage };
}"#)]
extern "C" {
    #[wasm_bindgen(js_name = meterPipe)]
    fn meter_pipe(source: &JsValue, meter: JsValue) -> JsValue;
}

/// An Anthropic Messages request in the chat shape that countChatTokens,
/// preflight, BudgetLedger.reserve and meterStream's `request` take.
#[wasm_bindgen(js_name = fromAnthropicRequest)]
pub fn from_anthropic_request(request: JsValue) -> JsResult<JsValue> {
    let value = json(&request, "request")?.finite()?;
    to_js(&crate::anthropic::chat_request(&value)?)
}
