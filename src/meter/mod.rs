//! Metering streamed replies: the usage of a server-sent event stream (or a
//! whole JSON reply) read as its bytes pass, without holding the stream.
//!
//! A [`StreamMeter`] takes the reply's bytes in chunks of any size
//! ([`StreamMeter::push`]) and gives its usage at the end
//! ([`StreamMeter::finish`]):
//! * `Reported`: the provider's own final usage, read by the reader of
//!   [`crate::usage`] for its usage object (so a streamed reply and a whole
//!   one are normalised the same way).
//! * `Counted`: no final usage came (OpenAI without
//!   `stream_options.include_usage`, a stream that broke off). The prompt is
//!   the provider's own count where the stream reported it before the end
//!   (Anthropic's `message_start`, Gemini's chunks), else the request's
//!   messages and tools counted under the model's chat rules; the output is
//!   the streamed text, reasoning and tool-call arguments counted with the
//!   model's tokenizer ([`count`]), and never less than an output count the
//!   stream had already reported. Reasoning a provider does not stream
//!   cannot be counted.
//!
//! The format is recognised from the first event that one of [`FORMATS`]
//! claims, or given. A body whose first character is `{` or `[` is a whole
//! JSON reply, read by [`crate::usage::usage_from_response`] at the end.
//!
//! Memory: the SSE parser's current line and event ([`sse`]) and the output
//! text kept for counting ([`count`]): flat in the length of the stream.

mod anthropic;
pub mod count;
mod event;
mod gemini;
mod openai_chat;
mod openai_responses;
pub mod sse;
mod workers_ai;

use serde_json::{Map, Value};

use crate::chat::{self, Message, Tool};
use crate::cost::Usage;
use crate::error::{Error, ErrorCode, Result};
use crate::tokens::Tokenizer;
use crate::usage::{self, ResponseUsage};
use count::Output;
use event::Event as Data;
use sse::{Event, SseParser};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The most bytes of a whole JSON reply that are read.
pub const MAX_JSON_BYTES: usize = 64 << 20;

/// One provider's streamed events.
pub struct StreamFormat {
    /// Also the `format` of the result.
    pub name: &'static str,
    /// Whether an event (its data, read) is in this format.
    detect: fn(&Data<'_>) -> bool,
    /// Reads one event into the progress; `Err` for an event that is not
    /// what the format sends (counted as malformed, and skipped).
    read: fn(&mut Progress, Data<'_>) -> std::result::Result<(), Malformed>,
}

/// An event a format could not read.
#[derive(Debug)]
pub struct Malformed;

impl<E: std::error::Error> From<E> for Malformed {
    fn from(_: E) -> Malformed {
        Malformed
    }
}

/// The formats, in the order they are tried on an event:
/// * The OpenAI Responses API's events have a `type` starting `response.`;
///   Anthropic's have a `type` of their own (`message_start` ...): both are
///   recognised by it.
/// * Gemini's chunks have `candidates` or `usageMetadata`.
/// * OpenAI Chat Completions chunks (OpenRouter's and every
///   OpenAI-compatible host's) have `choices`, or `object:
///   "chat.completion.chunk"`.
/// * Cloudflare Workers AI's own events have a string `response`, which the
///   Responses API's (an object) never have, and no `choices`.
pub const FORMATS: [StreamFormat; 5] = [
    openai_responses::FORMAT,
    anthropic::FORMAT,
    gemini::FORMAT,
    openai_chat::FORMAT,
    workers_ai::FORMAT,
];

/// The stream format called `name` (`openrouter` is `openai-chat`).
pub fn format(name: &str) -> Option<&'static StreamFormat> {
    let name = if name == "openrouter" {
        "openai-chat"
    } else {
        name
    };
    FORMATS.iter().find(|f| f.name == name)
}

/// The names a `format` option accepts.
pub const FORMAT_NAMES: &str =
    "openai-chat, openai-responses, anthropic, gemini, workers-ai, openrouter";

/// What the events have said so far, in the terms every format shares.
#[derive(Default)]
pub struct Progress {
    /// The model the stream names.
    pub model: Option<String>,
    /// The latest usage the stream reported.
    pub usage: Option<Usage>,
    /// Whether `usage` is the final one (else it is a running count: the
    /// prompt, and the output so far).
    pub usage_final: bool,
    /// The format's own end was seen (`[DONE]`, `message_stop`,
    /// `response.completed` ...).
    pub ended: bool,
    /// The stream reported an error of its own.
    pub failed: bool,
    /// Anthropic's usage, merged from `message_start` and `message_delta`.
    pub(crate) anthropic_usage: Map<String, Value>,
    pub output: Output,
}

impl Progress {
    /// Notes the model an event names.
    pub(crate) fn set_model(&mut self, model: Option<&str>) {
        if let Some(m) = model.filter(|m| self.model.as_deref() != Some(m)) {
            self.model = Some(m.to_string());
        }
    }

    /// Reads a usage object with the whole-reply reader of `format` (a
    /// [`crate::usage::FORMATS`] name).
    pub(crate) fn read_usage(
        format: &str,
        usage: &Map<String, Value>,
    ) -> std::result::Result<Usage, Malformed> {
        let reader = usage::FORMATS
            .iter()
            .find(|f| f.name == format)
            .ok_or(Malformed)?;
        let u = (reader.read)(usage).map_err(|_| Malformed)?;
        u.validate().map_err(|_| Malformed)?;
        Ok(u)
    }
}

/// A prompt to count when the stream reports none: chat messages and tools.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prompt {
    pub messages: Vec<Message>,
    pub tools: Vec<Tool>,
}

/// How the meter counts when it must: the model, its tokenizer (or why there
/// is none) and the prompt.
#[derive(Clone)]
pub struct Counting {
    pub model: String,
    pub tokenizer: std::result::Result<Tokenizer, Error>,
    pub prompt: Option<Prompt>,
}

/// Where a metered usage comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Reported,
    Counted,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Reported => "reported",
            Source::Counted => "counted",
        }
    }
}

/// A streamed reply's usage.
#[derive(Clone, Debug, PartialEq)]
pub struct MeteredUsage {
    /// The format's name ([`FORMATS`], or a [`crate::usage::FORMATS`] name
    /// for a whole JSON reply); `None` for a stream cut off before any
    /// event.
    pub format: Option<&'static str>,
    /// The model the reply names, else the one the meter was given.
    pub model: Option<String>,
    pub usage: Usage,
    pub source: Source,
    /// The stream ended as the format ends, and the caller said its source
    /// was not cut off.
    pub complete: bool,
    /// Events that could not be read (not JSON, or not in the format).
    pub malformed_events: u64,
}

#[derive(Debug)]
enum Body {
    /// Nothing but whitespace (or a BOM) yet.
    Unknown(Vec<u8>),
    Json(Vec<u8>),
    Sse,
    /// More JSON than [`MAX_JSON_BYTES`].
    TooLarge,
}

/// The meter of one streamed reply.
pub struct StreamMeter {
    body: Body,
    parser: SseParser,
    format: Option<&'static StreamFormat>,
    progress: Progress,
    counting: Option<Counting>,
    malformed: u64,
    bytes: u64,
    finished: bool,
}

fn invalid_stream(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidStream, message)
}

impl StreamMeter {
    /// A meter that reads the format given (else the first one an event is
    /// in), and counts with `counting` when the stream reports no usage
    /// (`None`: it cannot count, and such a stream is an error).
    pub fn new(counting: Option<Counting>, format: Option<&'static StreamFormat>) -> StreamMeter {
        let tokenizer = counting.as_ref().and_then(|c| c.tokenizer.clone().ok());
        StreamMeter {
            body: Body::Unknown(Vec::new()),
            parser: SseParser::new(),
            format,
            progress: Progress {
                output: Output::new(tokenizer),
                ..Progress::default()
            },
            counting,
            malformed: 0,
            bytes: 0,
            finished: false,
        }
    }

    /// Reads the next bytes of the reply.
    pub fn push(&mut self, chunk: &[u8]) {
        if self.finished || chunk.is_empty() {
            return;
        }
        self.bytes = self.bytes.saturating_add(chunk.len() as u64);
        match &mut self.body {
            Body::Sse => self.push_sse(chunk),
            Body::Json(held) => {
                if held.len() + chunk.len() > MAX_JSON_BYTES {
                    self.body = Body::TooLarge;
                } else {
                    held.extend_from_slice(chunk);
                }
            }
            Body::TooLarge => {}
            Body::Unknown(start) => {
                start.extend_from_slice(chunk);
                // A BOM cut between chunks: wait for the rest of it.
                if start.len() < BOM.len() && BOM.starts_with(start) {
                    return;
                }
                let rest = start.strip_prefix(BOM).unwrap_or(start);
                match rest.iter().find(|b| !b.is_ascii_whitespace()) {
                    Some(b'{' | b'[') => self.body = Body::Json(rest.to_vec()),
                    Some(_) => {
                        let start = std::mem::take(start);
                        self.body = Body::Sse;
                        self.push_sse(&start);
                    }
                    None if start.len() > MAX_JSON_BYTES => self.body = Body::TooLarge,
                    None => {}
                }
            }
        }
    }

    fn push_sse(&mut self, bytes: &[u8]) {
        let Self {
            parser,
            format,
            progress,
            malformed,
            ..
        } = self;
        parser.push(bytes, &mut |event: Event<'_>| {
            if read_event(format, progress, &event).is_err() {
                *malformed += 1;
            }
        });
    }

    /// Bytes held: the SSE parser's buffers, the output text kept for
    /// counting, a whole JSON reply.
    pub fn held_bytes(&self) -> usize {
        let body = match &self.body {
            Body::Unknown(b) | Body::Json(b) => b.len(),
            Body::Sse | Body::TooLarge => 0,
        };
        body + self.parser.held_bytes() + self.progress.output.held_bytes()
    }

    /// The usage, once the reply has ended (`complete`) or was cut off (a
    /// client that went away, an upstream that failed). A second call is an
    /// error.
    pub fn finish(&mut self, complete: bool) -> Result<MeteredUsage> {
        if std::mem::replace(&mut self.finished, true) {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "StreamMeter.finish: this meter has already finished",
            ));
        }
        self.parser.finish();
        match std::mem::replace(&mut self.body, Body::TooLarge) {
            Body::Unknown(_) => self.nothing_read(complete, "the body is empty"),
            Body::Json(bytes) => self.json_body(&bytes, complete),
            Body::TooLarge => Err(invalid_stream(format!(
                "the reply is a JSON body of more than {MAX_JSON_BYTES} bytes"
            ))),
            Body::Sse => self.sse_body(complete),
        }
    }

    fn sse_body(&mut self, complete: bool) -> Result<MeteredUsage> {
        let seen = self.parser.seen();
        let Some(format) = self.format else {
            if seen.sse_lines == 0 && seen.other_lines > 0 {
                return Err(invalid_stream(
                    "the reply is neither server-sent events nor JSON",
                ));
            }
            if seen.events == 0 || self.progress.ended {
                return self.nothing_read(complete, "the stream has no events");
            }
            return Err(invalid_stream(format!(
                "no event of the stream is in a format tokenmeter reads ({FORMAT_NAMES})"
            )));
        };
        let complete = complete && self.progress.ended && !self.progress.failed;
        if self.progress.usage_final {
            if let Some(usage) = self.progress.usage.clone() {
                return Ok(self.result(Some(format.name), usage, Source::Reported, complete));
            }
        }
        let usage = self.counted()?;
        Ok(self.result(Some(format.name), usage, Source::Counted, complete))
    }

    /// A reply that said nothing: an error when it ended normally, else
    /// (cut off before its first event) the prompt alone, counted.
    fn nothing_read(&mut self, complete: bool, why: &str) -> Result<MeteredUsage> {
        if complete {
            return Err(invalid_stream(why));
        }
        let usage = self.counted()?;
        let format = self.format.map(|f| f.name);
        Ok(self.result(format, usage, Source::Counted, false))
    }

    fn json_body(&mut self, bytes: &[u8], complete: bool) -> Result<MeteredUsage> {
        // Read as text: from_slice would add a second copy of serde_json's
        // reader to the .wasm.
        let text = std::str::from_utf8(bytes).map_err(|_| {
            invalid_stream(if complete {
                "the reply is not valid UTF-8".to_string()
            } else {
                "the JSON reply broke off, and its usage with it".to_string()
            })
        })?;
        let value: Value = serde_json::from_str(text).map_err(|e| {
            invalid_stream(if complete {
                format!("the reply is not valid JSON ({e})")
            } else {
                "the JSON reply broke off, and its usage with it".to_string()
            })
        })?;
        let r = read_json_reply(&value)?;
        let model = r
            .model
            .or_else(|| self.counting.as_ref().map(|c| c.model.clone()));
        Ok(MeteredUsage {
            format: Some(r.format),
            model,
            usage: r.usage,
            source: Source::Reported,
            complete,
            malformed_events: 0,
        })
    }

    /// The usage counted: the prompt as reported or counted, the output
    /// counted (and at least what was reported of it).
    fn counted(&self) -> Result<Usage> {
        let counting = self.counting.as_ref().ok_or_else(|| {
            invalid_stream("the stream reports no usage, and the meter has no model to count with")
        })?;
        let tokenizer = counting.tokenizer.clone()?;
        let reported = self.progress.usage.clone();
        let mut usage = match &reported {
            Some(r) => Usage {
                output_tokens: 0,
                reasoning_tokens: 0,
                ..r.clone()
            },
            None => {
                let prompt = counting.prompt.as_ref().ok_or_else(|| {
                    Error::invalid(
                        "options.request",
                        "is needed: the stream reports no usage, so its prompt must be counted",
                    )
                })?;
                let n = chat::count_chat_tokens(
                    &tokenizer,
                    &counting.model,
                    &prompt.messages,
                    &prompt.tools,
                )?;
                Usage {
                    input_tokens: n as u64,
                    ..Usage::default()
                }
            }
        };
        let (output, reasoning) = self.progress.output.counts().ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidArgument,
                "the output could not be counted",
            )
        })?;
        let so_far = reported.map_or(0, |r| r.output_tokens);
        usage.output_tokens = output.max(so_far);
        usage.reasoning_tokens = reasoning.min(usage.output_tokens);
        Ok(usage)
    }

    fn result(
        &self,
        format: Option<&'static str>,
        usage: Usage,
        source: Source,
        complete: bool,
    ) -> MeteredUsage {
        MeteredUsage {
            format,
            model: self
                .progress
                .model
                .clone()
                .or_else(|| self.counting.as_ref().map(|c| c.model.clone())),
            usage,
            source,
            complete,
            malformed_events: self.malformed,
        }
    }
}

/// Reads one event: `[DONE]` ends the stream; before the format is known,
/// the first event a format claims decides it.
fn read_event(
    format: &mut Option<&'static StreamFormat>,
    progress: &mut Progress,
    event: &Event<'_>,
) -> std::result::Result<(), Malformed> {
    if event.overflowed {
        return Err(Malformed);
    }
    if event.data == "[DONE]" {
        progress.ended = true;
        return Ok(());
    }
    let data: Data<'_> = serde_json::from_str(event.data)?;
    let f = match format {
        Some(f) => *f,
        // An event no format claims (an error object, a keep-alive) is
        // skipped until one does.
        None => match FORMATS.iter().find(|f| (f.detect)(&data)) {
            Some(f) => *format.insert(f),
            None => return Ok(()),
        },
    };
    (f.read)(progress, data)
}

/// A whole JSON reply's usage: an object ([`usage::usage_from_response`]),
/// or an array of chunks (Gemini's `streamGenerateContent` without
/// `alt=sse`), read by its last element that has usage.
fn read_json_reply(value: &Value) -> Result<ResponseUsage> {
    let one = match value {
        Value::Array(items) => items
            .iter()
            .rev()
            .find(|v| usage::usage_from_response(v).is_ok())
            .unwrap_or(&Value::Null),
        other => other,
    };
    usage::usage_from_response(one).map_err(|e| {
        invalid_stream(format!(
            "the JSON reply has no usage tokenmeter reads ({})",
            e.message()
        ))
    })
}

/// A complete SSE text's reported usage (`usageFromResponse` given a
/// string); a JSON text is read as a whole reply.
pub fn usage_from_text(text: &str) -> Result<ResponseUsage> {
    let mut meter = StreamMeter::new(None, None);
    meter.push(text.as_bytes());
    let m = meter.finish(true)?;
    if m.source != Source::Reported {
        return Err(invalid_stream(
            "the stream reports no usage (an OpenAI stream needs stream_options.include_usage); meterStream counts one",
        ));
    }
    Ok(ResponseUsage {
        format: m.format.unwrap_or("unknown"),
        model: m.model,
        usage: m.usage,
    })
}
