//! The input of a call as the caller knows it: a number of tokens, a text,
//! or chat messages with tools, counted with each model's own tokenizer.

use crate::catalogue::Catalogue;
use crate::chat::{self, Message, Tool};
use crate::error::Result;

#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// Already counted (every prompt token, cache reads and writes included).
    Tokens(u64),
    Text(String),
    Chat {
        messages: Vec<Message>,
        tools: Vec<Tool>,
    },
}

impl Input {
    /// The input's tokens for `model`: counted with its tokenizer (an
    /// estimate for a model whose tokenizer is not bundled), under its chat
    /// rules for messages.
    pub fn tokens(&self, catalogue: &Catalogue, model: &str) -> Result<u64> {
        match self {
            Input::Tokens(n) => Ok(*n),
            Input::Text(text) => Ok(catalogue.tokenizer(model)?.count_ordinary(text) as u64),
            Input::Chat { messages, tools } => {
                let tokenizer = catalogue.tokenizer(model)?;
                Ok(chat::count_chat_tokens(&tokenizer, model, messages, tools)? as u64)
            }
        }
    }
}
