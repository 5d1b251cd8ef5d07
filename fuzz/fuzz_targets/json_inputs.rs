//! Every JSON-shaped input (messages, tools, catalogues, ledgers, requests,
//! provider replies) is either accepted or rejected with one of the
//! documented error codes: no panic; a rejected catalogue leaves the one in
//! use unchanged, model for model and field for field; a loaded ledger
//! round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::catalogue::RawModel;
use tokenmeter::time::Instant;
use tokenmeter::{chat, ledger, preflight, usage, Catalogue, Result};

/// README, "Errors".
const CODES: &[&str] = &[
    "INVALID_ARGUMENT",
    "UNKNOWN_MODEL",
    "UNKNOWN_ENCODING",
    "ENCODING_NOT_BUNDLED",
    "INVALID_TOKEN",
    "CONTEXT_OVERFLOW",
    "BUDGET_EXCEEDED",
    "INVALID_CATALOGUE",
    "INVALID_LEDGER",
];

fn coded<T>(r: Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            assert!(CODES.contains(&e.code().as_str()), "undocumented code: {e}");
            None
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let c = Catalogue::bundled();
    let at = Instant::from_ms(1.8e12, "at").unwrap();
    if let Some(messages) = coded(chat::parse_messages(&value, "messages")) {
        coded(chat::count_chat_tokens(&c.tokenizer("gpt-4o").unwrap(), "gpt-4o", &messages, &[]));
    }
    coded(chat::parse_tools(&value, "tools"));
    coded(usage::usage_from_response(&value));
    coded(preflight::preflight(c, &value, None, None, at));
    coded(preflight::request_cache_key(&value, true));
    if let Some(l) = coded(ledger::BudgetLedger::from_json(&value)) {
        assert_eq!(ledger::BudgetLedger::from_json(&l.to_json()).unwrap(), l);
    }
    // Specs that do not have the shape of models are refused by their reader
    // (the binding names the spec); those that do are validated whole.
    if let Ok(specs) = serde_json::from_value::<Vec<RawModel>>(value) {
        let mut mine = c.clone();
        if let Err(e) = mine.register(specs) {
            assert_eq!(e.code().as_str(), "INVALID_CATALOGUE", "{e}");
            assert!(mine.models() == c.models(), "a rejected catalogue changed the one in use");
        }
    }
});
