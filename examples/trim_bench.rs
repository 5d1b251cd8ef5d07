//! Trims a 2,000-message history to gpt-4o's window and reports the time and
//! the number of tokenizer passes, to show that each message is tokenized
//! once: a trim costs the same tokenizer passes as one count of the history.
//!
//! cargo run --release --example trim_bench

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokenmeter::chat::{count_chat_tokens, parse_messages, Content, Message, Part};
use tokenmeter::internals::tokenizer_calls;
use tokenmeter::trim::{trim_messages, Strategy, TrimOptions};
use tokenmeter::Catalogue;

const MESSAGES: usize = 2_000;
const RUNS: usize = 25;

const WORDS: &[&str] = &[
    "the",
    "model",
    "context",
    "window",
    "tokens",
    "request",
    "reply",
    "budget",
    "user",
    "assistant",
    "function",
    "returns",
    "value",
    "because",
    "however",
    "therefore",
    "data",
    "query",
    "result",
    "error",
    "cache",
    "latency",
    "price",
    "summary",
    "Paris",
    "2024",
    "réseau",
    "日本語",
    "données",
    "über",
    "naïve",
    "JSON",
    "{\"a\": 1}",
    "fn main()",
    "=>",
];

struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn sentence_text(&mut self, words: usize) -> String {
        let mut s = String::new();
        for i in 0..words {
            if i > 0 {
                s.push(if self.below(12) == 0 { '\n' } else { ' ' });
            }
            s.push_str(WORDS[self.below(WORDS.len())]);
            if self.below(10) == 0 {
                s.push('.');
            }
        }
        s
    }
}

/// A system prompt, then user and assistant turns of 10 to 250 words, with
/// a tool call and its two results about every tenth turn.
fn history(rng: &mut Lcg) -> Value {
    let mut out = vec![json!({"role": "system", "content": rng.sentence_text(150)})];
    let mut call = 0;
    while out.len() < MESSAGES {
        if rng.below(10) == 0 && out.len() + 3 < MESSAGES {
            let (a, b) = (format!("call_{call}"), format!("call_{}", call + 1));
            call += 2;
            out.push(json!({"role": "assistant", "content": null, "tool_calls": [
                {"id": a, "type": "function", "function": {"name": "search", "arguments": "{\"q\":\"context windows\"}"}},
                {"id": b, "type": "function", "function": {"name": "search", "arguments": "{\"q\":\"token budgets\"}"}}
            ]}));
            out.push(json!({"role": "tool", "tool_call_id": a, "content": rng.sentence_text(80)}));
            out.push(json!({"role": "tool", "tool_call_id": b, "content": rng.sentence_text(80)}));
        } else {
            let role = if out.len() % 2 == 1 {
                "user"
            } else {
                "assistant"
            };
            let words = 10 + rng.below(240);
            out.push(json!({"role": role, "content": rng.sentence_text(words)}));
        }
    }
    Value::Array(out)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// One count_chat_tokens of the history with gpt-4o.
fn count(messages: &[Message]) -> usize {
    count_chat_tokens(
        &Catalogue::bundled().tokenizer("gpt-4o").unwrap(),
        "gpt-4o",
        messages,
        &[],
    )
    .unwrap()
}

/// Counts the history once; prints its size, the tokenizer passes of one
/// count and the median time of a count; returns the passes.
fn report_count(messages: &[Message]) -> u64 {
    let before = tokenizer_calls();
    let total = count(messages);
    let count_calls = tokenizer_calls() - before;
    let count_time = median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(count(messages));
                start.elapsed()
            })
            .collect(),
    );
    println!(
        "history: {} messages, {} tokens (gpt-4o); one count_chat_tokens: {} tokenizer passes, median {:.2} ms",
        messages.len(),
        total,
        count_calls,
        count_time.as_secs_f64() * 1e3
    );
    count_calls
}

/// Trims the history to gpt-4o's window with `strategy` and `summary`,
/// checks that it fits and that its count is right, and prints what it
/// kept, its median time and its tokenizer passes against one count's
/// (`count_calls`).
fn report_trim(
    messages: &[Message],
    label: &str,
    strategy: Strategy,
    summary: Option<&str>,
    count_calls: u64,
) {
    let mut opts = TrimOptions::new("gpt-4o"); // window 128,000 from the catalogue
    opts.reserve_output_tokens = 4_096;
    opts.strategy = strategy;
    opts.summary = summary.map(str::to_string);

    let before = tokenizer_calls();
    let r = trim_messages(Catalogue::bundled(), messages, &opts).unwrap();
    let calls = tokenizer_calls() - before;
    assert!(r.fits);
    assert_eq!(count(&r.messages), r.input_tokens);

    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let r = trim_messages(Catalogue::bundled(), messages, &opts).unwrap();
        times.push(start.elapsed());
        std::hint::black_box(r);
    }
    let fastest = *times.iter().min().unwrap();
    println!(
        "{label}: kept {} of {} messages ({} dropped), {} input tokens + 4096 reserved <= 128000; \
         median {:.2} ms (fastest {:.2} ms) over {RUNS} runs; {} tokenizer passes = {:.2} per input message \
         ({}one count of the history{})",
        r.messages.len(),
        messages.len(),
        r.dropped.len(),
        r.input_tokens,
        median(times).as_secs_f64() * 1e3,
        fastest.as_secs_f64() * 1e3,
        calls,
        calls as f64 / messages.len() as f64,
        if calls == count_calls { "exactly " } else { "vs " },
        if calls == count_calls {
            String::new()
        } else {
            format!(" = {count_calls}, the summary's 2 passes on top")
        },
    );
}

/// A message's tokenizer passes: its role, its text (or each text part), a
/// name, a tool result's call id, and a tool call's id, name and arguments.
/// Counted once each, they make exactly one count.
fn passes(m: &Message) -> u64 {
    let text = match &m.content {
        Content::None => 0,
        Content::Text(_) => 1,
        Content::Parts(parts) => parts.iter().filter(|p| matches!(p, Part::Text(_))).count() as u64,
    };
    1 + text
        + m.tool_calls.len() as u64 * 3
        + u64::from(m.tool_call_id.is_some())
        + u64::from(m.name.is_some())
}

/// For scale: the passes that recounting the kept history after each
/// dropped turn (the obvious loop) would make for the drop-oldest trim,
/// from `once`, the passes of the whole history. Before the last user
/// message a turn starts at a user message; from it on, at every message
/// but a tool result.
fn naive_passes(messages: &[Message], once: u64) -> u64 {
    let mut opts = TrimOptions::new("gpt-4o");
    opts.reserve_output_tokens = 4_096;
    let r = trim_messages(Catalogue::bundled(), messages, &opts).unwrap();
    let last_user = messages.iter().rposition(|m| m.role == "user");
    let mut remaining = once;
    let mut naive = remaining;
    for (k, &i) in r.dropped.iter().enumerate() {
        let starts_turn = if last_user.is_some_and(|l| i < l) {
            messages[i].role == "user"
        } else {
            messages[i].role != "tool"
        };
        remaining -= passes(&messages[i]);
        if k == 0 || starts_turn {
            naive += remaining;
        }
    }
    naive
}

fn main() {
    let mut rng = Lcg(2025);
    let messages: Vec<Message> = parse_messages(&history(&mut rng), "messages").unwrap();
    let count_calls = report_count(&messages);
    for (label, strategy, summary) in [
        ("drop-oldest", Strategy::DropOldest, None),
        (
            "drop-middle + summary",
            Strategy::DropMiddle,
            Some("Summary of the omitted turns."),
        ),
    ] {
        report_trim(&messages, label, strategy, summary, count_calls);
    }
    let once: u64 = messages.iter().map(passes).sum();
    println!(
        "each message tokenized once: {once} passes (equal to one count: {})",
        once == count_calls
    );
    let naive = naive_passes(&messages, once);
    println!(
        "recounting after each dropped turn instead: {naive} passes ({:.0}x more)",
        naive as f64 / once as f64
    );
}
