//! The fields the stream formats read from an event's data, as one set of
//! typed structs that serde_json fills in a single pass, borrowing text that
//! has no escapes. One set for every format rather than one per format:
//! each struct's deserializer is code in the shipped .wasm, and the formats
//! share their shapes (a delta's text, a tool call's arguments, a usage
//! object, a model). Every field is optional and unknown keys are skipped,
//! so an event of any format reads; each format then looks at its fields.
//!
//! The structs read JSON objects only ([`map_only`]): serde's derive would
//! also read each from an array, code that no event needs. A key given
//! twice keeps its last value.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, value::MapAccessDeserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// Implements `Deserialize` for a struct of `Default` fields from a JSON
/// object only: each listed key (or its alternatives) fills its field,
/// other keys are skipped.
macro_rules! map_only {
    ($name:ident $(<$a:lifetime>)?, $($($key:literal)|+ => $field:ident),+ $(,)?) => {
        impl<'de $(: $a, $a)?> Deserialize<'de> for $name$(<$a>)? {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V$(<$a>)?(PhantomData<fn() -> $name$(<$a>)?>);
                impl<'de $(: $a, $a)?> Visitor<'de> for V$(<$a>)? {
                    type Value = $name$(<$a>)?;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a JSON object")
                    }
                    fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<Self::Value, M::Error> {
                        let mut out = <$name>::default();
                        while let Some(key) = m.next_key::<Text<'_>>()? {
                            match key.as_str() {
                                $($($key)|+ => out.$field = m.next_value()?,)+
                                _ => {
                                    m.next_value::<IgnoredAny>()?;
                                }
                            }
                        }
                        Ok(out)
                    }
                }
                d.deserialize_map(V(PhantomData))
            }
        }
    };
}

/// One event's data.
#[derive(Default)]
pub struct Event<'a> {
    pub kind: Option<Text<'a>>,
    pub object: Option<Text<'a>>,
    pub model: Option<Text<'a>>,
    pub choices: Option<Vec<Item<'a>>>,
    pub candidates: Option<Vec<Item<'a>>>,
    pub usage: Option<Map<String, Value>>,
    pub usage_metadata: Option<Map<String, Value>>,
    pub index: Option<u64>,
    pub output_index: Option<u64>,
    /// A content part's index, or a reasoning summary's.
    pub content_index: Option<u64>,
    /// A string (the Responses API) or an object (Anthropic).
    pub delta: Option<Field<'a>>,
    pub content_block: Option<Part<'a>>,
    /// Anthropic's `message_start` message (its model and usage).
    pub message: Option<Part<'a>>,
    /// A string (Workers AI's text) or an object (the Responses API's
    /// response, with its model and usage).
    pub response: Option<Field<'a>>,
    pub tool_calls: Option<Vec<ToolCall>>,
    pub error: Option<IgnoredAny>,
}

map_only!(Event<'a>,
    "type" => kind, "object" => object, "model" | "modelVersion" => model,
    "choices" => choices, "candidates" => candidates, "usage" => usage,
    "usageMetadata" => usage_metadata, "index" => index, "output_index" => output_index,
    "content_index" | "summary_index" => content_index, "delta" => delta,
    "content_block" => content_block, "message" => message, "response" => response,
    "tool_calls" => tool_calls, "error" => error,
);

/// A choice (OpenAI) or a candidate (Gemini).
#[derive(Default)]
pub struct Item<'a> {
    pub index: Option<u64>,
    pub delta: Option<Part<'a>>,
    pub content: Option<Part<'a>>,
    pub finish_reason: Option<Text<'a>>,
}

map_only!(Item<'a>,
    "index" => index, "delta" => delta, "content" => content,
    "finish_reason" | "finishReason" => finish_reason,
);

/// A delta, a content block, a Gemini part, a message, a candidate's
/// content: whatever object carries text.
#[derive(Default)]
pub struct Part<'a> {
    pub kind: Option<Text<'a>>,
    pub text: Option<Text<'a>>,
    pub content: Option<Text<'a>>,
    pub thinking: Option<Text<'a>>,
    pub partial_json: Option<Text<'a>>,
    pub refusal: Option<Text<'a>>,
    pub reasoning: Option<Text<'a>>,
    pub thought: Option<bool>,
    pub tool_calls: Option<Vec<ToolCall>>,
    pub function_call: Option<ToolCall>,
    pub parts: Option<Vec<Part<'a>>>,
    pub model: Option<String>,
    pub usage: Option<Map<String, Value>>,
}

map_only!(Part<'a>,
    "type" => kind, "text" => text, "content" => content, "thinking" => thinking,
    "partial_json" => partial_json, "refusal" => refusal,
    "reasoning" | "reasoning_content" => reasoning, "thought" => thought,
    "tool_calls" => tool_calls, "functionCall" => function_call, "parts" => parts,
    "model" => model, "usage" => usage,
);

/// A tool call or a piece of one: OpenAI's `{ index, function: {
/// arguments } }`, Workers AI's `{ name, arguments }`, Gemini's
/// `functionCall: { name, args }`. Arguments are a JSON string or an object.
#[derive(Default)]
pub struct ToolCall {
    pub index: Option<u64>,
    pub arguments: Option<Value>,
    pub function: Option<Box<ToolCall>>,
}

map_only!(ToolCall,
    "index" => index, "arguments" | "args" => arguments, "function" => function,
);

impl ToolCall {
    /// The arguments as text: a string as it is, an object as JSON.
    pub fn arguments(self) -> Option<(Option<u64>, String)> {
        let index = self.index;
        let args = match (self.arguments, self.function) {
            (Some(a), _) => a,
            (None, Some(f)) => f.arguments?,
            (None, None) => return None,
        };
        match args {
            Value::Null => None,
            Value::String(s) => Some((index, s)),
            other => Some((index, other.to_string())),
        }
    }
}

/// A string field; any other JSON value there reads as no text (a server
/// tool's `content` array, a null), so that one odd field does not make the
/// whole event unreadable.
#[derive(Default)]
pub struct Text<'a>(pub Option<Cow<'a, str>>);

impl<'a> Text<'a> {
    pub fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }
}

/// A field that is a string in one format and an object in another.
pub enum Field<'a> {
    Text(Cow<'a, str>),
    Part(Box<Part<'a>>),
    Other,
}

struct TextVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
    type Value = Field<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Field<'a>, E> {
        Ok(Field::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field<'a>, E> {
        Ok(Field::Text(Cow::Owned(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Field<'a>, E> {
        Ok(Field::Text(Cow::Owned(v)))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Field<'a>, E> {
        Ok(Field::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Field<'a>, E> {
        Ok(Field::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Field<'a>, E> {
        Ok(Field::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Field<'a>, E> {
        Ok(Field::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Field<'a>, E> {
        Ok(Field::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field<'a>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Field::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Field<'a>, A::Error> {
        let part = Part::deserialize(MapAccessDeserializer::new(map))?;
        Ok(Field::Part(Box::new(part)))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Field<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor(PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Field::deserialize(d)? {
            Field::Text(t) => Text(Some(t)),
            _ => Text(None),
        })
    }
}
