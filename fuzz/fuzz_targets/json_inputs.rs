//! Every JSON-shaped input (messages, tools, catalogues, ledgers, requests,
//! provider replies) is either accepted or rejected with an error: no panic,
//! and a rejected catalogue leaves the one in use unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::{catalogue, chat, cost, ledger, preflight};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    if let Ok(messages) = chat::parse_messages(&value, "messages") {
        let _ = chat::count_chat_tokens("gpt-4o", &messages, &[]);
    }
    let _ = chat::parse_tools(&value, "tools");
    let _ = cost::usage_from_json(&value, "");
    let _ = cost::usage_from_response(&value);
    let _ = preflight::preflight(&value, None, None);
    let _ = preflight::request_cache_key(&value, true);
    if let Ok(l) = ledger::BudgetLedger::from_json(&value) {
        assert_eq!(ledger::BudgetLedger::from_json(&l.to_json()).unwrap(), l);
    }
    let before = catalogue::list_models().len();
    match catalogue::register_models(&value) {
        Ok(_) => catalogue::reset_models(),
        Err(_) => assert_eq!(catalogue::list_models().len(), before),
    }
});
