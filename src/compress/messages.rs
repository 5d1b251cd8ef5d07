//! Compressing a conversation: the prose of system, user and assistant
//! messages goes through the prompt passes; tool results (role `tool` or
//! `function`, and Anthropic `tool_result` blocks in a user message) are
//! data, so they are compacted losslessly ([`crate::compact`]) instead, or
//! left as they are with [`ToolResults::Keep`]. Both count in the totals.

use serde_json::Value;

use super::{percent, CompressOptions, Compressed, CompressedMessages, Compressor, PassReport};
use crate::catalogue::Catalogue;
use crate::chat::{self, Content, Message, Part};
use crate::compact::{CompactOptions, Compacted, Compactor};
use crate::error::{Error, Result};

/// What [`compress_messages`] does with tool results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ToolResults {
    /// Compacted at the lossless level: the data stays, its notation
    /// shrinks (minified JSON, TOON tables, cleaned logs ...).
    #[default]
    Compact,
    /// Passed through untouched.
    Keep,
}

impl ToolResults {
    /// `"compact"` or `"keep"`; anything else is an `INVALID_ARGUMENT` error
    /// about `field`.
    pub fn parse_field(s: &str, field: &str) -> Result<ToolResults> {
        match s {
            "compact" => Ok(ToolResults::Compact),
            "keep" => Ok(ToolResults::Keep),
            _ => Err(Error::invalid(
                field,
                format!(
                    "must be \"compact\" or \"keep\", got {:?}",
                    crate::encodings::truncate_for_message(s)
                ),
            )),
        }
    }
}

/// One step of a path into the messages array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Key(&'static str),
    Index(usize),
}

/// A text that changed: where it is in the messages array (from the
/// message's index), and its new value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub path: Vec<Step>,
    pub text: String,
}

/// The result of [`message_edits`]: the edits in place of the messages.
pub type EditedMessages = CompressedMessages<Vec<TextEdit>>;

/// Compresses the text content of chat messages (string content and text
/// parts), and compacts tool results (see the module's doc); roles, names,
/// tool calls and images are left alone.
pub fn compress_messages(
    catalogue: &Catalogue,
    messages: &[Message],
    opts: &CompressOptions,
) -> Result<CompressedMessages<Vec<Message>>> {
    let work = Work::new(catalogue, opts)?;
    let mut totals = Totals::new(&work.compressor);
    let mut out = Vec::with_capacity(messages.len());
    for m in messages {
        let mut m = m.clone();
        let tool = is_tool_result(&m.role);
        if !(tool && opts.tool_results == ToolResults::Keep) {
            match &mut m.content {
                Content::None => {}
                Content::Text(t) => *t = work.text(t, tool, &mut totals)?,
                Content::Parts(parts) => {
                    for part in parts.iter_mut() {
                        if let Part::Text(t) = part {
                            *t = work.text(t, tool, &mut totals)?;
                        }
                    }
                }
            }
        }
        out.push(m);
    }
    Ok(totals.finish(out))
}

/// [`compress_messages`] over JSON messages (OpenAI's format, or
/// Anthropic's with `tool_use` and `tool_result` blocks), checked as
/// [`chat::parse_messages`] checks them; every other key is kept as it is.
pub fn compress_messages_json(
    catalogue: &Catalogue,
    messages: &Value,
    opts: &CompressOptions,
) -> Result<CompressedMessages<Value>> {
    let edited = message_edits(catalogue, messages, opts)?;
    let mut out = messages.clone();
    for edit in &edited.messages {
        if let Some(slot) = at_path(&mut out, &edit.path) {
            *slot = Value::String(edit.text.clone());
        }
    }
    Ok(CompressedMessages {
        messages: out,
        tokens_before: edited.tokens_before,
        tokens_after: edited.tokens_after,
        saved_tokens: edited.saved_tokens,
        saved_percent: edited.saved_percent,
        passes: edited.passes,
    })
}

fn at_path<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(*k),
        Step::Index(i) => v.get_mut(*i),
    })
}

/// What [`compress_messages_json`] changes, as edits, for a caller that
/// applies them to its own objects.
pub fn message_edits(
    catalogue: &Catalogue,
    messages: &Value,
    opts: &CompressOptions,
) -> Result<EditedMessages> {
    check(messages)?;
    let work = Work::new(catalogue, opts)?;
    let mut totals = Totals::new(&work.compressor);
    let mut edits = Vec::new();
    let keep = opts.tool_results == ToolResults::Keep;
    let mut edit = |path: Vec<Step>, text: &Value, tool: bool, totals: &mut Totals| {
        let Value::String(t) = text else {
            return Ok(());
        };
        let new = work.text(t, tool, totals)?;
        if new != *t {
            edits.push(TextEdit { path, text: new });
        }
        Ok::<(), Error>(())
    };
    for (i, item) in messages.as_array().into_iter().flatten().enumerate() {
        let tool = is_tool_result(item.get("role").and_then(Value::as_str).unwrap_or(""));
        if tool && keep {
            continue;
        }
        let content = || vec![Step::Index(i), Step::Key("content")];
        match item.get("content") {
            Some(Value::Array(parts)) => {
                for (j, part) in parts.iter().enumerate() {
                    let mut path = content();
                    path.push(Step::Index(j));
                    match part_type(part) {
                        Some("text" | "input_text" | "output_text") => {
                            path.push(Step::Key("text"));
                            let text = part.get("text").unwrap_or(&Value::Null);
                            edit(path, text, tool, &mut totals)?;
                        }
                        Some("tool_result") if !keep => {
                            path.push(Step::Key("content"));
                            for (p, text) in result_texts(part, path) {
                                edit(p, text, true, &mut totals)?;
                            }
                        }
                        _ => {}
                    }
                }
            }
            Some(text) => edit(content(), text, tool, &mut totals)?,
            None => {}
        }
    }
    Ok(totals.finish(edits))
}

fn part_type(part: &Value) -> Option<&str> {
    part.get("type").and_then(Value::as_str)
}

/// The texts of a `tool_result` block: its string content, or the text
/// blocks of its content array.
fn result_texts(part: &Value, path: Vec<Step>) -> Vec<(Vec<Step>, &Value)> {
    match part.get("content") {
        Some(text @ Value::String(_)) => vec![(path, text)],
        Some(Value::Array(blocks)) => blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| part_type(b) == Some("text"))
            .filter_map(|(k, b)| {
                let mut p = path.clone();
                p.extend([Step::Index(k), Step::Key("text")]);
                b.get("text").map(|t| (p, t))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Checks the messages as [`chat::parse_messages`] does, with Anthropic's
/// `tool_use` and `tool_result` blocks read as empty text parts (their
/// position kept, so that errors name the right index).
fn check(messages: &Value) -> Result<()> {
    let anthropic = |p: &Value| matches!(part_type(p), Some("tool_use" | "tool_result"));
    let has_blocks = messages.as_array().is_some_and(|items| {
        items.iter().any(|m| match m.get("content") {
            Some(Value::Array(parts)) => parts.iter().any(anthropic),
            _ => false,
        })
    });
    if !has_blocks {
        return chat::parse_messages(messages, "messages").map(drop);
    }
    let mut plain = messages.clone();
    for item in plain.as_array_mut().into_iter().flatten() {
        if let Some(Value::Array(parts)) = item.get_mut("content") {
            for part in parts.iter_mut().filter(|p| anthropic(p)) {
                *part = serde_json::json!({ "type": "text", "text": "" });
            }
        }
    }
    chat::parse_messages(&plain, "messages").map(drop)
}

fn is_tool_result(role: &str) -> bool {
    matches!(role, "tool" | "function")
}

/// The compressor for prose and the compactor for tool results, sharing
/// one tokenizer.
struct Work {
    compressor: Compressor,
    compact: CompactOptions,
}

impl Work {
    fn new(catalogue: &Catalogue, opts: &CompressOptions) -> Result<Work> {
        let tokenizer = catalogue.resolve_tokenizer(opts.model.as_deref(), None)?;
        Ok(Work {
            compressor: Compressor::new(tokenizer, opts),
            compact: CompactOptions::default(),
        })
    }

    fn text(&self, text: &str, tool: bool, totals: &mut Totals) -> Result<String> {
        if tool {
            let compactor = Compactor::new(&self.compressor.tokenizer, &self.compact);
            Ok(totals.add_compacted(compactor.compact(text)?))
        } else {
            Ok(totals.add(self.compressor.compress(text)))
        }
    }
}

struct Totals {
    before: usize,
    after: usize,
    passes: Vec<PassReport>,
}

impl Totals {
    fn new(c: &Compressor) -> Totals {
        Totals {
            before: 0,
            after: 0,
            passes: c
                .passes
                .iter()
                .map(|p| PassReport {
                    name: p.name().to_string(),
                    saved_tokens: 0,
                })
                .collect(),
        }
    }

    fn add(&mut self, c: Compressed) -> String {
        self.before += c.tokens_before;
        self.after += c.tokens_after;
        for (total, p) in self.passes.iter_mut().zip(c.passes) {
            total.saved_tokens += p.saved_tokens;
        }
        c.text
    }

    /// A tool result's compaction: its passes are listed after the prompt
    /// passes, by name, as they first save something.
    fn add_compacted(&mut self, c: Compacted) -> String {
        self.before += c.tokens_before;
        self.after += c.tokens_after;
        for p in c.passes {
            match self.passes.iter_mut().find(|t| t.name == p.name) {
                Some(t) => t.saved_tokens += p.saved_tokens,
                None => self.passes.push(PassReport {
                    name: p.name.to_string(),
                    saved_tokens: p.saved_tokens,
                }),
            }
        }
        c.text
    }

    fn finish<M>(self, messages: M) -> CompressedMessages<M> {
        let saved = self.before.saturating_sub(self.after);
        CompressedMessages {
            messages,
            tokens_before: self.before,
            tokens_after: self.after,
            saved_tokens: saved,
            saved_percent: percent(saved, self.before),
            passes: self.passes,
        }
    }
}
