//! Chat requests to open-weight models, counted by their chat templates.
//!
//! OpenAI's rule (3 tokens a message, 3 to prime the reply) is OpenAI's
//! server format; a Llama, Qwen, DeepSeek, Gemma or Mistral host renders the
//! family's own template instead, whose markers are special tokens. Each
//! template of `data/chat-rules.json` says which markers wrap a message of
//! each role and how many tokens they take; the contents are counted with
//! the model's tokenizer. The marker counts come from the data, not from the
//! tokenizer, so that an entry point without the family's vocabulary (which
//! estimates the contents) still adds the markers the model will see.
//!
//! The count is the reference rendering's only where a content does not
//! merge with a marker's text across the boundary: markers around contents
//! end and start in special tokens or line breaks, and the templates that
//! trim contents leave no whitespace there to merge. `tests/chat_templates.rs`
//! checks whole prompts against each family's reference.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{count_tools, image_tokens, Content, Message, Part, Tool};
use crate::tokens::Tokenizer;

#[derive(Deserialize)]
struct Rules {
    templates: Vec<Template>,
}

/// One family's chat template, as `data/chat-rules.json` gives it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub name: String,
    /// The encoding the marker counts were checked with.
    pub encoding: Option<String>,
    #[serde(rename = "match")]
    matches: Vec<String>,
    begin: Marker,
    roles: BTreeMap<String, Marker>,
    reply: Marker,
    /// Whether the template strips each content's surrounding whitespace.
    trim: bool,
    system: SystemRule,
    /// Joins the system text to a user turn (`system: "joined"`).
    system_join: Option<String>,
    /// A system block the template always opens with (Llama 3.1's dates).
    system_preamble: Option<Preamble>,
    /// Markers of an assistant turn after the last user message (Qwen3's
    /// empty think block).
    assistant_after_last_user: Option<Marker>,
}

/// A marker text and the tokens it takes in the family's tokenizer.
#[derive(Deserialize)]
pub struct Marker {
    pub text: String,
    pub tokens: usize,
}

/// Text a template always puts in its system block.
#[derive(Deserialize)]
struct Preamble {
    text: String,
}

#[derive(Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
enum SystemRule {
    /// A message of its own, with the system role's markers.
    Message,
    /// Its text joined to a user turn with `systemJoin`, no markers.
    Joined,
}

/// The templates of the embedded data file. The file is compiled in, so the
/// unit test below that parses it proves the shipped copy parses.
fn parse() -> serde_json::Result<Vec<Template>> {
    serde_json::from_str::<Rules>(include_str!("../../data/chat-rules.json")).map(|r| r.templates)
}

/// Every template, in match order.
pub fn templates() -> &'static [Template] {
    static RULES: OnceLock<Vec<Template>> = OnceLock::new();
    RULES.get_or_init(|| parse().unwrap_or_default())
}

/// The template of `model`: the first whose `match` text the lower-cased
/// id contains.
pub fn for_model(model: &str) -> Option<&'static Template> {
    let id = model.to_ascii_lowercase();
    templates()
        .iter()
        .find(|t| t.matches.iter().any(|m| id.contains(m.as_str())))
}

impl Template {
    /// The markers of a message with `role`, and whether the role's own name
    /// is counted with the tokenizer (roles the template has no text for).
    pub fn role(&self, role: &str) -> Option<(&Marker, bool)> {
        match self.roles.get(role) {
            Some(m) => Some((m, false)),
            None => self.roles.get("*").map(|m| (m, m.text.contains("{role}"))),
        }
    }

    /// Every marker with its count, for the test that re-encodes them.
    pub fn markers(&self) -> impl Iterator<Item = &Marker> {
        [&self.begin, &self.reply]
            .into_iter()
            .chain(self.roles.values())
            .chain(self.assistant_after_last_user.as_ref())
    }

    /// Tokens of the request besides its messages: the start, the reply's
    /// header, an always-present system block and the tools (OpenAI's rule
    /// for tools: the templates render them as JSON text the rule
    /// approximates). Unscaled.
    pub fn fixed(&self, tokenizer: &Tokenizer, tools: &[Tool]) -> usize {
        let preamble = self.system_preamble.as_ref().map_or(0, |p| {
            let block = self.role("system").map_or(0, |(m, _)| m.tokens);
            block + tokenizer.count_unscaled(&p.text)
        });
        self.begin.tokens + self.reply.tokens + preamble + count_tools(tokenizer, tools)
    }

    /// Tokens of the whole request, or `None` past `limit`. Unscaled.
    pub fn count_within(
        &self,
        tokenizer: &Tokenizer,
        model: &str,
        messages: &[Message],
        tools: &[Tool],
        limit: usize,
    ) -> Option<usize> {
        let last_user = messages.iter().rposition(|m| m.role == "user");
        let mut total = self.fixed(tokenizer, tools);
        for (i, message) in messages.iter().enumerate() {
            let at = Position {
                first: i == 0,
                after_last_user: last_user.is_some_and(|u| i > u),
            };
            let left = limit.checked_sub(total)?;
            total += self.message_within(tokenizer, model, message, at, left)?;
        }
        (total <= limit).then_some(total)
    }

    /// A message's share of the request when its place is not known (for
    /// trimming, which sums shares): the most the message can add.
    pub fn message_share(&self, tokenizer: &Tokenizer, model: &str, message: &Message) -> usize {
        let at = Position {
            first: false,
            after_last_user: true,
        };
        self.message_within(tokenizer, model, message, at, usize::MAX)
            .unwrap_or(usize::MAX)
    }

    fn message_within(
        &self,
        tokenizer: &Tokenizer,
        model: &str,
        message: &Message,
        at: Position,
        limit: usize,
    ) -> Option<usize> {
        let mut n = Budget { limit, used: 0 };
        let text = message.text();
        let text = if self.trim { text.trim() } else { &text };
        let system = message.role == "system";
        if system && self.system == SystemRule::Joined {
            let join = self.system_join.as_deref().unwrap_or("");
            n.text(tokenizer, &format!("{text}{join}"))?;
        } else if let (true, true, Some(p)) = (system, at.first, &self.system_preamble) {
            // The first system message fills the block `fixed` counted.
            let whole = tokenizer.count_unscaled_within(&format!("{}{text}", p.text), limit)?;
            n.add(whole.saturating_sub(tokenizer.count_unscaled(&p.text)))?;
        } else {
            let (markers, count_role) = self
                .role(&message.role)
                .map_or((0, true), |(m, named)| (m.tokens, named));
            n.add(markers)?;
            if count_role {
                n.text(tokenizer, &message.role)?;
            }
            n.text(tokenizer, text)?;
        }
        if message.role == "assistant" && at.after_last_user {
            n.add(
                self.assistant_after_last_user
                    .as_ref()
                    .map_or(0, |m| m.tokens),
            )?;
        }
        if let Content::Parts(parts) = &message.content {
            for part in parts {
                if let Part::Image {
                    detail,
                    width,
                    height,
                } = part
                {
                    let t = image_tokens(model, *detail, *width, *height);
                    n.add(usize::try_from(t).unwrap_or(usize::MAX))?;
                }
            }
        }
        for call in &message.tool_calls {
            n.add(3)?;
            n.text(tokenizer, &call.id)?;
            n.text(tokenizer, &call.name)?;
            n.text(tokenizer, &call.arguments)?;
        }
        Some(n.used)
    }
}

#[derive(Clone, Copy)]
struct Position {
    first: bool,
    after_last_user: bool,
}

/// A running count that stops as soon as it passes its limit.
struct Budget {
    limit: usize,
    used: usize,
}

impl Budget {
    fn add(&mut self, n: usize) -> Option<()> {
        self.used = self.used.saturating_add(n);
        (self.used <= self.limit).then_some(())
    }

    fn text(&mut self, tokenizer: &Tokenizer, s: &str) -> Option<()> {
        let left = self.limit.checked_sub(self.used)?;
        let n = tokenizer.count_unscaled_within(s, left)?;
        self.add(n)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_rules_parse() {
        let templates = super::parse().unwrap();
        assert!(templates.len() >= 8);
    }
}
