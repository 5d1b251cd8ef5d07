//! Native throughput of the stream meter (`cargo run --release --example
//! meter_bench`): 10 MB of OpenAI Chat chunks, one event a chunk and in
//! 16 KiB chunks, through `StreamMeter`, and the SSE parser alone.

use std::time::Instant;

use tokenmeter::meter::sse::SseParser;
use tokenmeter::meter::{Counting, StreamMeter};
use tokenmeter::Catalogue;

fn main() {
    let prose = include_str!("../tests/golden/corpus/english/prose.txt");
    let words: Vec<&str> = prose.split_inclusive(' ').collect();
    let mut events = Vec::new();
    let mut size = 0;
    let mut i = 0;
    while size < 10 << 20 {
        let w = words[(i * 2) % words.len()];
        let e = format!(
            "data: {}\n\n",
            serde_json::json!({ "id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1765104000,
                "model": "gpt-4o-2024-08-06", "system_fingerprint": "fp_bench",
                "choices": [{ "index": 0, "delta": { "content": w }, "logprobs": null, "finish_reason": null }], "usage": null })
        );
        size += e.len();
        events.push(e.into_bytes());
        i += 1;
    }
    events.push(b"data: {\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n".to_vec());
    let whole: Vec<u8> = events.concat();
    let big: Vec<&[u8]> = whole.chunks(16384).collect();
    let small: Vec<&[u8]> = events.iter().map(Vec::as_slice).collect();
    let mb = whole.len() as f64 / 1e6;
    for (name, chunks) in [("one event a chunk", &small), ("16 KiB chunks", &big)] {
        for _ in 0..3 {
            let t = Instant::now();
            let mut p = SseParser::new();
            let mut n = 0;
            for c in chunks.iter() {
                p.push(c, &mut |_e| n += 1);
            }
            let sse = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let counting = Counting {
                model: "gpt-4o".into(),
                tokenizer: Catalogue::bundled().tokenizer("gpt-4o"),
                prompt: None,
            };
            let mut m = StreamMeter::new(Some(counting), None);
            for c in chunks.iter() {
                m.push(c);
            }
            let u = m.finish(true).unwrap();
            let all = t.elapsed().as_secs_f64();
            assert_eq!(u.usage.input_tokens, 1);
            println!(
                "{name}: {mb:.1} MB, {n} events: SSE parser {:.0} MB/s, meter {:.0} MB/s",
                mb / sse,
                mb / all
            );
        }
    }
}
