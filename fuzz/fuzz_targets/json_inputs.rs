//! Every JSON-shaped input (messages, tools, catalogues, ledgers, requests,
//! provider replies) is either accepted or rejected with an error: no panic,
//! and a rejected catalogue leaves the one in use unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::catalogue::RawModel;
use tokenmeter::time::Instant;
use tokenmeter::{chat, cost, ledger, preflight, usage, Catalogue};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let c = Catalogue::bundled();
    let at = Instant::from_ms(1.8e12, "at").unwrap();
    if let Ok(messages) = chat::parse_messages(&value, "messages") {
        let _ = chat::count_chat_tokens(&c.tokenizer("gpt-4o").unwrap(), "gpt-4o", &messages, &[]);
    }
    let _ = chat::parse_tools(&value, "tools");
    let _ = cost::usage_from_json(c, &value, "");
    let _ = usage::usage_from_response(&value);
    let _ = preflight::preflight(c, &value, None, None, at);
    let _ = preflight::request_cache_key(&value, true);
    if let Ok(l) = ledger::BudgetLedger::from_json(&value) {
        assert_eq!(ledger::BudgetLedger::from_json(&l.to_json()).unwrap(), l);
    }
    if let Ok(specs) = serde_json::from_value::<Vec<RawModel>>(value) {
        let mut mine = c.clone();
        if mine.register(specs).is_err() {
            assert_eq!(mine.models(), c.models());
        }
    }
});
