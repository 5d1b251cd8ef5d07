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

use super::{count_tools, image_tokens, Content, Message, Part, Tool};
use crate::tokens::Tokenizer;

include!(concat!(env!("OUT_DIR"), "/chat_rules.rs"));

/// One family's chat template, as `data/chat-rules.json` gives it (build.rs
/// checks the file and writes `TEMPLATES`).
pub struct Template {
    pub name: &'static str,
    /// The encoding the marker counts were checked with.
    pub encoding: Option<&'static str>,
    matches: &'static [&'static str],
    begin: Marker,
    /// By role, sorted; `*` is any other role.
    roles: &'static [(&'static str, Marker)],
    reply: Marker,
    /// Whether the template strips each content's surrounding whitespace.
    trim: bool,
    system: SystemRule,
    /// Joins the system text to a user turn (`system: "joined"`).
    system_join: Option<&'static str>,
    /// The text of a system block the template always opens with (Llama
    /// 3.1's dates).
    system_preamble: Option<&'static str>,
    /// Markers of an assistant turn after the last user message (Qwen3's
    /// empty think block).
    assistant_after_last_user: Option<Marker>,
}

/// A marker text and the tokens it takes in the family's tokenizer.
pub struct Marker {
    pub text: &'static str,
    pub tokens: usize,
}

#[derive(PartialEq)]
enum SystemRule {
    /// A message of its own, with the system role's markers.
    Message,
    /// Its text joined to a user turn with `systemJoin`, no markers.
    Joined,
}

/// Every template, in match order.
pub fn templates() -> &'static [Template] {
    &TEMPLATES
}

/// The template of `model`: the first whose `match` text the lower-cased
/// id contains.
pub fn for_model(model: &str) -> Option<&'static Template> {
    let id = model.to_ascii_lowercase();
    templates()
        .iter()
        .find(|t| t.matches.iter().any(|m| id.contains(m)))
}

impl Template {
    /// The markers of a message with `role`, and whether the role's own name
    /// is counted with the tokenizer (roles the template has no text for).
    pub fn role(&self, role: &str) -> Option<(&Marker, bool)> {
        let marker = |name: &str| self.roles.iter().find(|(r, _)| *r == name).map(|(_, m)| m);
        match marker(role) {
            Some(m) => Some((m, false)),
            None => marker("*").map(|m| (m, m.text.contains("{role}"))),
        }
    }

    /// Every marker with its count, for the test that re-encodes them.
    pub fn markers(&self) -> impl Iterator<Item = &Marker> {
        [&self.begin, &self.reply]
            .into_iter()
            .chain(self.roles.iter().map(|(_, m)| m))
            .chain(self.assistant_after_last_user.as_ref())
    }

    /// Tokens of the request besides its messages: the start, the reply's
    /// header, an always-present system block and the tools (OpenAI's rule
    /// for tools: the templates render them as JSON text the rule
    /// approximates). Unscaled.
    pub fn fixed(&self, tokenizer: &Tokenizer, tools: &[Tool]) -> usize {
        let preamble = self.system_preamble.map_or(0, |p| {
            let block = self.role("system").map_or(0, |(m, _)| m.tokens);
            block + tokenizer.count_unscaled(p)
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
            let join = self.system_join.unwrap_or("");
            n.text(tokenizer, &format!("{text}{join}"))?;
        } else if let (true, true, Some(p)) = (system, at.first, self.system_preamble) {
            // The first system message fills the block `fixed` counted.
            let whole = tokenizer.count_unscaled_within(&format!("{p}{text}"), limit)?;
            n.add(whole.saturating_sub(tokenizer.count_unscaled(p)))?;
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
    /// build.rs read every template; each has its roles sorted and a reply.
    #[test]
    fn the_embedded_rules_are_complete() {
        let templates = super::templates();
        assert!(templates.len() >= 8);
        for t in templates {
            assert!(t.roles.windows(2).all(|w| w[0].0 < w[1].0), "{}", t.name);
            assert!(t.role("user").is_some(), "{}", t.name);
        }
    }
}
