//! Time to first count (rank table rebuild + index), native.
fn main() {
    let s = std::time::Instant::now();
    let t = tokenmeter::Tokenizer::new(tokenmeter::Encoding::O200kBase).unwrap();
    let a = s.elapsed();
    let n = t.count_ordinary("hello world");
    println!("load {:?}, first count {:?} ({n})", a, s.elapsed() - a);
}
