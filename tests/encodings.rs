//! An encoding added as data only (DEVELOPERS.md, "Adding an encoding"):
//! `cl100k_im`, cl100k_base's ranks and split with ChatML's two special
//! tokens, as tiktoken's README extends it. Built with the
//! `test-encodings` feature (`make test-rust`), which carries the data
//! file's `testOnly` entries.
#![cfg(feature = "test-encodings")]

use tokenmeter::{AllowedSpecial, Encoding, Tokenizer};

#[test]
fn an_encoding_added_as_data_counts_with_its_own_specials() {
    let im = Encoding::from_name("cl100k_im").unwrap();
    assert_eq!(im, Encoding::Cl100kIm);
    let tokenizer = Tokenizer::new(im).unwrap();
    let cl100k = Tokenizer::new(Encoding::Cl100kBase).unwrap();
    let text = "<|im_start|>user\nHello there<|im_end|>";
    let tokens = tokenizer.encode(text, &AllowedSpecial::All).unwrap();
    let inner = cl100k.encode_ordinary("user\nHello there").unwrap();
    assert_eq!(tokens.first(), Some(&100_264));
    assert_eq!(tokens.last(), Some(&100_265));
    assert_eq!(&tokens[1..tokens.len() - 1], inner.as_slice());
    assert_eq!(tokenizer.decode(&tokens).unwrap(), text);
    // Without allowedSpecial the markers are ordinary text, as in cl100k.
    assert_eq!(
        tokenizer.encode_ordinary(text).unwrap(),
        cl100k.encode_ordinary(text).unwrap()
    );
    assert!(tokenizer.n_vocab() > 100_265);
}
