//! Trimming always fits when it says it does, keeps order, the system
//! messages and the last user message, or fails with a coded error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::chat::{count_chat_tokens, Message};
use tokenmeter::trim::{trim_messages, Strategy, TrimOptions};

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let window = u64::from(u16::from_le_bytes([data[0], data[1]])) + 1;
    let reserve = u64::from(data[2]) % (window + 1);
    let strategy = if data[3] & 1 == 0 { Strategy::DropOldest } else { Strategy::DropMiddle };
    let text = String::from_utf8_lossy(&data[4..]);
    let mut messages = vec![Message::new("system", "Be brief.")];
    for (i, part) in text.split('|').enumerate().take(64) {
        messages.push(Message::new(if i % 2 == 0 { "user" } else { "assistant" }, part));
    }
    let mut opts = TrimOptions::new("gpt-4o");
    opts.max_context_tokens = Some(window);
    opts.reserve_output_tokens = reserve;
    opts.strategy = strategy;
    match trim_messages(&messages, &opts) {
        Ok(r) => {
            if r.fits {
                let n = count_chat_tokens("gpt-4o", &r.messages, &[]).unwrap() as u64;
                assert_eq!(n, r.input_tokens as u64);
                assert!(n + reserve <= window, "{n} + {reserve} > {window}");
                assert_eq!(r.messages[0].role, "system");
            }
        }
        Err(e) => assert!(matches!(e.code().as_str(), "CONTEXT_OVERFLOW" | "INVALID_ARGUMENT"), "{e}"),
    }
});
