//! Prompt compression: protected spans survive byte for byte, the output is
//! never longer in tokens, compression is idempotent, every phrase-table
//! entry works, and other languages only get whitespace passes.
//!
//! Issue 28: the phrase table had a floor of 80 entries; it now has the
//! count docs/compression.md states. The 10 MB test's 25x ratio and 60 s ceilings are gone
//! (`ten_megabytes_compress_and_keep_the_laws` checks the work, not the time).

mod common;

use common::{random_text, random_unicode, Rng};
use serde_json::json;
use tokenmeter::chat::{parse_messages, Content, Message, Part};
use tokenmeter::compress::{
    compress_messages, compress_messages_json, compress_prompt, phrase_table, CompressOptions,
    Level, PhraseKind,
};
use tokenmeter::{Catalogue, ErrorCode};

fn pick(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    let item: &&str = rng.pick(items);
    item
}

fn opts(level: Level) -> CompressOptions {
    CompressOptions {
        level,
        ..Default::default()
    }
}

fn run(text: &str, level: Level) -> String {
    compress_prompt(Catalogue::bundled(), text, &opts(level))
        .unwrap()
        .text
}

fn o200k(text: &str) -> usize {
    Catalogue::bundled()
        .resolve_tokenizer(None, Some("o200k_base"))
        .unwrap()
        .count_ordinary(text)
}

/// `compress` twice gives the same text, and the output is never longer in
/// tokens than the input.
fn check_laws(text: &str, level: Level) -> String {
    let once = compress_prompt(Catalogue::bundled(), text, &opts(level)).unwrap();
    assert!(
        once.tokens_after <= once.tokens_before,
        "longer at {level}: {text:?}"
    );
    assert_eq!(once.tokens_before, o200k(text));
    assert_eq!(once.tokens_after, o200k(&once.text));
    assert_eq!(once.saved_tokens, once.tokens_before - once.tokens_after);
    assert_eq!(
        once.passes.iter().map(|p| p.saved_tokens).sum::<usize>(),
        once.saved_tokens,
        "pass savings add up"
    );
    let twice = compress_prompt(Catalogue::bundled(), &once.text, &opts(level)).unwrap();
    assert_eq!(
        twice.text, once.text,
        "not idempotent at {level} for {text:?}"
    );
    assert_eq!(twice.saved_tokens, 0);
    once.text
}

// ---------------------------------------------------------------------------
// Random prompts with protected spans in them

const PROSE: &[&str] = &[
    "please",
    "Please",
    "kindly",
    "in order to",
    "In order to",
    "due to the fact that",
    "I would like you to",
    "I want you to",
    "could you please",
    "it is important to note that",
    "Please note that",
    "make sure that",
    "with regard to",
    "a large number of",
    "at this point in time",
    "the",
    "The",
    "a",
    "an",
    "very",
    "really",
    "basically",
    "answer",
    "the question",
    "write",
    "a summary",
    "carefully",
    "model",
    "you",
    "and",
    "or",
    "of",
    "to",
    "for",
    "data",
    "users",
    "don't",
    "it's",
    "**bold**",
    "*stress*",
    "__strong__",
    ",",
    ".",
    ":",
    "!",
    "?",
    "(see",
    "this)",
    "—",
    "café",
    "naïve",
    "Thank you.",
    "thanks",
];

const SEPARATORS: &[&str] = &[
    " ", " ", " ", " ", "  ", "\n", "\n\n", "\n\n\n", " \u{a0}", "\t", "  \n", "\n    ", "\n- ",
    "\n* ", "\n1. ", "\n## ", "\n---\n", "\r\n",
];

/// One protected span of a random kind. Block kinds come with the line
/// breaks they need around them; the second string is what must survive.
fn protected_span(rng: &mut Rng) -> (String, String) {
    let word = |rng: &mut Rng| -> &'static str {
        pick(
            rng,
            &[
                "please",
                "in order to",
                "the",
                "very",
                "kindly",
                "a  b",
                "x\u{a0}y",
                "Please note that",
            ],
        )
    };
    let n = rng.below(1000);
    let inline = |s: String| (s.clone(), s);
    let block = |s: String| (format!("\n{s}\n"), s);
    match rng.below(24) {
        0 => inline(format!("`{}  {}`", word(rng), word(rng))),
        1 => block(format!(
            "```python\n  {}  \n\n\n{}\n```",
            word(rng),
            word(rng)
        )),
        2 => inline(format!("https://example.com/{n}/please?q=in_order&x=1")),
        3 => inline(format!("www.example.org/very/{n}")),
        4 => inline(format!("please.kindly{n}@example.com")),
        5 => inline(format!("{n} GB")),
        6 => inline(format!("{n}.5 kg")),
        7 => inline(format!("{n}%")),
        8 => inline(format!("\"{}  {}\"", word(rng), word(rng))),
        9 => inline(format!("'{} {}'", word(rng), word(rng))),
        10 => inline(format!("“{}  {}”", word(rng), word(rng))),
        11 => block(format!(
            "{{\n  \"note\": \"{}\",\n  \"n\": [1,  2]\n}}",
            word(rng)
        )),
        12 => block(format!(
            "<task>\n  <step>{}</step>\n   <step>the end</step>\n</task>",
            word(rng)
        )),
        13 => block(format!("name: {}\nlevel:   very high\ntags:\n  - the", "x")),
        14 => inline(format!("{{user_{n}}}")),
        15 => inline("{{ very_important }}".to_string()),
        16 => inline(format!("${{value{n}}}")),
        17 => inline(["<var>", "<user name>", "</b>"][n % 3].to_string()),
        // Inline code glued to what is around it: brackets, emphasis, a word.
        18 => {
            let code = format!("`{}  {}`", word(rng), word(rng));
            let (open, close) = pick_pair(rng);
            (format!("{open}{code}{close}"), code)
        }
        // A fence opened at the end of a prose line.
        19 => {
            let fence = format!("```py\n  {}  \n\n{}\n```", word(rng), word(rng));
            (format!("Run this: {fence}\n"), fence)
        }
        // Markdown code indented past any list's content column, with a
        // paragraph at the margin after it (the margin is measured on the
        // lines after the first).
        20 => {
            let code = format!(
                "        {}  x  =  1\n\n            # {}",
                word(rng),
                word(rng)
            );
            (format!("\n\n{code}\n\nSee above.\n"), code)
        }
        // A code span of two or more backticks that runs across lines,
        // with a backtick inside and lines that look like YAML or a table.
        22 => inline(format!(
            "``{}  `x`\nname:  {}\n|  a | b |\n  {}``",
            word(rng),
            word(rng),
            word(rng)
        )),
        // Ends its line: a fence opened after text on the same line would
        // take the span's closing run for an opener of its own.
        23 => {
            let code = format!("```{}  ``\n{}```", word(rng), word(rng));
            (format!("{code}\n"), code)
        }
        _ => block(format!(
            "| please | the |\n|---|---|\n| {} | x |",
            word(rng)
        )),
    }
}

/// What may stand right before and after an inline span in Markdown prose.
fn pick_pair(rng: &mut Rng) -> (&'static str, &'static str) {
    let pairs = [
        ("(", ")"),
        ("**", "**"),
        ("_", "_"),
        ("~~", "~~"),
        ("x", "y"),
        ("", ","),
        ("[", "]"),
        ("\"", "\""),
    ];
    pairs[rng.below(pairs.len())]
}

/// Random prose with protected spans in it; returns the text and the spans
/// in order.
fn random_prompt(rng: &mut Rng) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut spans = Vec::new();
    let parts = 5 + rng.below(60);
    for _ in 0..parts {
        if rng.below(6) == 0 {
            let (insert, keep) = protected_span(rng);
            text.push_str(insert.as_str());
            spans.push(keep);
        } else {
            text.push_str(pick(rng, PROSE));
        }
        text.push_str(pick(rng, SEPARATORS));
    }
    (text, spans)
}

fn assert_spans_survive(text: &str, spans: &[String], out: &str, level: Level) {
    let mut at = 0;
    for span in spans {
        match out.get(at..).and_then(|rest| rest.find(span.as_str())) {
            Some(p) => at += p + span.len(),
            None => {
                panic!("{span:?} did not survive at {level}\ninput:  {text:?}\noutput: {out:?}")
            }
        }
    }
}

#[test]
fn protected_spans_survive_byte_for_byte() {
    let mut rng = Rng::new(5);
    for _ in 0..400 {
        let (text, spans) = random_prompt(&mut rng);
        for level in Level::ALL {
            let out = check_laws(&text, level);
            assert_spans_survive(&text, &spans, &out, level);
        }
    }
}

#[test]
fn protected_spans_survive_with_normalize_quotes() {
    let mut rng = Rng::new(6);
    for _ in 0..100 {
        let (text, spans) = random_prompt(&mut rng);
        let o = CompressOptions {
            level: Level::Aggressive,
            normalize_quotes: true,
            ..Default::default()
        };
        let once = compress_prompt(Catalogue::bundled(), &text, &o).unwrap();
        assert_spans_survive(&text, &spans, &once.text, Level::Aggressive);
        assert_eq!(
            compress_prompt(Catalogue::bundled(), &once.text, &o)
                .unwrap()
                .text,
            once.text
        );
    }
}

/// Inline code right after a bracket, emphasis or a letter, and a fence
/// opened after text on its line (each once changed at every level).
#[test]
fn code_next_to_punctuation_or_after_text_survives() {
    let cases = [
        ("Run (`cmd --flag  value`) now.", "`cmd --flag  value`"),
        ("Use **`a  b`** now.", "`a  b`"),
        ("See (`due to the fact that`) please.", "`due to the fact that`"),
        ("Call x`in order to  y` twice.", "`in order to  y`"),
        ("Say x\"in order to  y\" twice.", "\"in order to  y\""),
        (
            "Run this: ```\nx  =  1  # in order to win\n```\n",
            "```\nx  =  1  # in order to win\n```",
        ),
        (
            "Please note that this runs: ```python\ndef f():  # in order to win\n    pass\n```\nThanks.",
            "```python\ndef f():  # in order to win\n    pass\n```",
        ),
    ];
    for (text, code) in cases {
        for level in Level::ALL {
            let out = check_laws(text, level);
            assert!(out.contains(code), "{level}: {text:?} -> {out:?}");
        }
    }
    // A fence mentioned in prose, with no closing line below, is prose.
    assert_eq!(
        run(
            "Output it in one ```sql block, in order to  parse it.",
            Level::Balanced
        ),
        "Output it in one ```sql block, to parse it."
    );
}

/// CommonMark code spans whose delimiters are two or more backticks, on
/// one line or across lines, are code at every level, whatever their lines
/// look like.
#[test]
fn multi_backtick_code_spans_survive() {
    let cases = [
        ("Use ``a  `b`  c`` now, in order to  see.", "``a  `b`  c``"),
        (
            "Please run ``x\n  y  `z`  in order to\nw`` please.",
            "``x\n  y  `z`  in order to\nw``",
        ),
        (
            "Please use ``in order to  x\nname:  in order to\nlevel:   x\n`` in order to go.",
            "``in order to  x\nname:  in order to\nlevel:   x\n``",
        ),
        (
            "Please use ```in  order to\n|  in order to | x |\n|---|---| ``` in order to go.",
            "```in  order to\n|  in order to | x |\n|---|---| ```",
        ),
        (
            "name: x\nlevel: ``in  order to\nplease  z`` in order to",
            "``in  order to\nplease  z``",
        ),
    ];
    for (text, code) in cases {
        for level in Level::ALL {
            let out = check_laws(text, level);
            assert!(out.contains(code), "{level}: {text:?} -> {out:?}");
        }
    }
    // A blank line ends the paragraph, and with it any code span.
    assert_eq!(
        run("Please say ``in order to\n\nin order to``", Level::Balanced),
        "Say ``to\n\nto``"
    );
}

#[test]
fn indented_code_survives() {
    let code = "    def f(x):\n        return  x  +  1   # in order to add\n\n    print( f(2) )";
    let sample =
        "    The answer is approximately 42, due to the fact that it is.\n    Another  line.";
    let listed = "        def f(x):\n            return  x  +  1   # in order to add";
    let cases = [
        (format!("Here is the function. Please note that it is important.\n\n{code}\n\nPlease note that you keep it."), code),
        (format!("Example output:\n\n{sample}\n\nEnd."), sample),
        // After a heading, without a blank line.
        (format!("Intro in order to start.\n\n## Example\n{sample}\n"), sample),
        // Past the content column of a list item.
        (format!("Steps:\n\n1. Run it.\n\n{listed}\n\n2. Done in order to finish."), listed),
    ];
    for (text, kept) in &cases {
        for level in Level::ALL {
            let out = check_laws(text, level);
            assert!(out.contains(kept), "{level}: {text:?} -> {out:?}");
        }
    }
    // A prompt indented as a whole (a triple-quoted string whose first line
    // follows the quotes) is prose measured from its own margin, and code
    // is four columns past that margin.
    let text = "You are a helpful assistant.\n        Please note that answers are short.\n\n        In order to help, be kind.\n\n            x  =  1  # in order to\n";
    let out = run(text, Level::Balanced);
    assert!(
        out.contains("            x  =  1  # in order to"),
        "{out:?}"
    );
    assert!(!out.contains("In order to help"), "{out:?}");
    // Text indented inside a list item, short of code, is the item's prose.
    let out = run(
        "1. Run it.\n\n    Then, in order to see it, look.",
        Level::Balanced,
    );
    assert!(out.contains("to see it"), "{out:?}");
    assert!(!out.contains("in order to"), "{out:?}");
}

#[test]
fn each_protected_kind_alone() {
    let cases = [
        "Please run `please  do   it` in order to see.",
        "Please read\n\n```\n  in order to   \n\n\n\nthe end  \n```\n\nin order to learn.",
        "Please open https://example.com/in-order-to?the=1&a=2. Then go.",
        "Please mail kindly.please@example.com in order to ask.",
        "Please use 5 GB and 3.5 kg and 10% and $20 in order to test.",
        "Please say \"in order to\" and 'the very end' and “please  kindly” now.",
        "Please return:\n{\n  \"a\": \"in order to\",\n   \"b\": [1,   2]\n}\nin order to parse.",
        "Please read\n<doc>\n  <p>in order to</p>\n</doc>\nin order to parse.",
        "Please read\nname: in order to\nlevel:  very\nin order to parse.",
        "Please fill {name} and {{ the_var }} and ${x} and <var> in order to go.",
        "Please check\n| in order to | the |\n|---|---|\nin order to see.",
    ];
    let kept = [
        "`please  do   it`",
        "```\n  in order to   \n\n\n\nthe end  \n```",
        "https://example.com/in-order-to?the=1&a=2",
        "kindly.please@example.com",
        "5 GB",
        "\"in order to\"",
        "{\n  \"a\": \"in order to\",\n   \"b\": [1,   2]\n}",
        "<doc>\n  <p>in order to</p>\n</doc>",
        "name: in order to\nlevel:  very",
        "{{ the_var }}",
        "| in order to | the |\n|---|---|",
    ];
    for (text, keep) in cases.iter().zip(kept) {
        for level in Level::ALL {
            let out = check_laws(text, level);
            assert!(out.contains(keep), "{keep:?} lost at {level}: {out:?}");
            if level >= Level::Balanced {
                assert!(!out.starts_with("Please"), "{out:?}");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Idempotence and never-longer on arbitrary text

#[test]
fn laws_hold_on_random_text() {
    let mut rng = Rng::new(7);
    for _ in 0..300 {
        let text = random_text(&mut rng, 120);
        for level in Level::ALL {
            check_laws(&text, level);
        }
    }
    for _ in 0..200 {
        let text = random_unicode(&mut rng, 200);
        for level in Level::ALL {
            check_laws(&text, level);
        }
    }
}

#[test]
fn laws_hold_on_random_prose() {
    let mut rng = Rng::new(8);
    for _ in 0..300 {
        let mut text = String::new();
        for _ in 0..rng.below(200) {
            text.push_str(pick(&mut rng, PROSE));
            text.push_str(pick(&mut rng, SEPARATORS));
        }
        for level in Level::ALL {
            check_laws(&text, level);
        }
    }
}

/// Text made of the phrase tables' own entries (phrases and replacements,
/// in either case, next to each other and to ordinary words): where a new
/// entry could start a chain that a second run would continue.
#[test]
fn laws_hold_on_random_phrase_soup() {
    let table = phrase_table();
    let mut rng = Rng::new(9);
    for _ in 0..300 {
        let mut text = String::new();
        for _ in 0..rng.below(60) {
            let e = rng.pick(table);
            let item = match rng.below(4) {
                0 => e.phrase.clone(),
                1 => capitalize(&e.phrase),
                2 => e.replacement.clone(),
                _ => pick(&mut rng, PROSE).to_string(),
            };
            text.push_str(&item);
            text.push_str(pick(&mut rng, SEPARATORS));
        }
        for level in Level::ALL {
            check_laws(&text, level);
        }
    }
}

#[test]
fn laws_hold_on_the_corpus() {
    let corpus = concat!(
        include_str!("../data/prompts/corpus.jsonl"),
        include_str!("../data/prompts/holdout.jsonl"),
        include_str!("../data/prompts/holdout2.jsonl")
    );
    let mut n = 0;
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap();
        for level in Level::ALL {
            check_laws(text, level);
        }
        n += 1;
    }
    assert!(n >= 104, "{n} prompts");
}

#[test]
fn edge_inputs() {
    for text in [
        "",
        " ",
        "\n",
        "\n\n\n",
        "\u{a0}",
        "please",
        "Please",
        "Please.",
        "Thank you.",
        "the",
        "```",
        "```\n",
        "{",
        "}",
        "[",
        "\"",
        "'",
        "`",
        "- ",
        "#",
        "---",
        "***",
        "a\r\nb",
        "please\r\n\r\n\r\nthanks",
        "  leading",
        "trailing  ",
        "\t\t",
        "\u{feff}please",
    ] {
        for level in Level::ALL {
            check_laws(text, level);
        }
    }
}

// ---------------------------------------------------------------------------
// The phrase tables, entry by entry

#[test]
fn every_phrase_entry_applies_keeps_capitals_and_saves_tokens() {
    let table = phrase_table();
    // docs/compression.md: "The phrase tables are data/phrases.json (N
    // entries, each tested)".
    let doc = include_str!("../docs/compression.md");
    let claimed = doc
        .split("phrases.json) (")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok());
    assert_eq!(
        Some(table.len()),
        claimed,
        "docs/compression.md's count of phrase entries"
    );
    for e in table {
        let o = opts(e.level);
        // Mid-sentence, between two ordinary words (or after a word it
        // is limited to).
        let before = e.only_after.first().map_or("said", String::as_str);
        let input = format!("So you {before} {} we left early.", e.phrase);
        let want = if e.kind == PhraseKind::Filler {
            format!("So you {before} we left early.")
        } else {
            format!("So you {before} {} we left early.", e.replacement)
        };
        let out = compress_prompt(Catalogue::bundled(), &input, &o).unwrap();
        if e.start_only || e.whole_sentence {
            assert_eq!(
                out.text, input,
                "{:?} is only for sentence starts",
                e.phrase
            );
        } else {
            assert_eq!(out.text, want, "{:?} mid-sentence", e.phrase);
            assert!(
                o200k(&want) < o200k(&input),
                "{:?} saves no tokens",
                e.phrase
            );
        }

        // At the start of a sentence, capitalized: the capital is kept.
        let cap = capitalize(&e.phrase);
        let input = if e.whole_sentence {
            format!("We met. {cap}. We left early.")
        } else {
            format!("We met. {cap} we left early.")
        };
        let want = if e.kind == PhraseKind::Filler {
            "We met. We left early.".to_string()
        } else {
            format!("We met. {} we left early.", capitalize(&e.replacement))
        };
        let out = compress_prompt(Catalogue::bundled(), &input, &o).unwrap();
        if o200k(&want) < o200k(&input) {
            assert_eq!(out.text, want, "{:?} at a sentence start", e.phrase);
        } else {
            // Token-aware: a capitalized form that saves nothing stays.
            assert_eq!(out.text, input, "{:?} at a sentence start", e.phrase);
        }

        // Not inside a longer word.
        // (A shorter entry may still match in the middle.)
        let glued = format!("So you said x{}y we left early.", e.phrase);
        let out = run(&glued, e.level);
        let first = e.phrase.split(' ').next().unwrap_or("");
        let last = e.phrase.rsplit(' ').next().unwrap_or("");
        assert!(
            out.contains(&format!("x{first}")) && out.contains(&format!("{last}y")),
            "{:?} inside a word: {out:?}",
            e.phrase
        );
        // (A shorter entry may still match the start of the phrase.)
        let hyphen = format!("So you said {}-ish we left early.", e.phrase);
        let last = e.phrase.rsplit(' ').next().unwrap_or("");
        let out = run(&hyphen, e.level);
        assert!(
            out.contains(&format!(" {last}-ish")),
            "{:?} before a hyphen: {out:?}",
            e.phrase
        );

        // A capital in the middle of a sentence is a name, not this phrase.
        if !e.phrase.starts_with("i ") && !e.phrase.starts_with("i'") {
            // (A shorter entry may still match inside it.)
            let named = format!("So you said {cap} we left early.");
            let first = cap.split(' ').next().unwrap_or("");
            let out = run(&named, e.level);
            assert!(
                out.starts_with(&format!("So you said {first}")),
                "{:?} capitalized mid-sentence: {out:?}",
                e.phrase
            );
        }

        // The words it must not follow. (Another entry may remove the word
        // itself first, as "the" goes at the aggressive level.)
        for w in &e.not_after {
            let input = format!("So you said {w} {} we left early.", e.phrase);
            let out = run(&input, e.level);
            let applied = if e.kind == PhraseKind::Filler {
                format!(" {w} we left")
            } else {
                format!(" {w} {} we left", e.replacement)
            };
            assert!(
                !out.contains(&applied),
                "{:?} after {w:?}: {out:?}",
                e.phrase
            );
        }

        // Not below its level.
        if e.level == Level::Aggressive {
            let input = format!("So you said {} we left early.", e.phrase);
            assert_eq!(
                run(&input, Level::Balanced),
                input,
                "{:?} below its level",
                e.phrase
            );
        }
        assert_eq!(
            run(
                &format!("So you said {} we left early.", e.phrase),
                Level::Lossless
            ),
            format!("So you said {} we left early.", e.phrase)
        );
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[test]
fn fillers_take_their_commas_and_hand_over_the_capital() {
    let b = Level::Balanced;
    assert_eq!(
        run("Please, answer the question.", b),
        "Answer the question."
    );
    assert_eq!(
        run("Answer the question, please.", b),
        "Answer the question."
    );
    assert_eq!(
        run("Answer, please, the question.", b),
        "Answer, the question."
    );
    assert_eq!(run("Please please please answer.", b), "Answer.");
    assert_eq!(
        run("Please kindly answer the question.", b),
        "Answer the question."
    );
    assert_eq!(
        run("Answer the question. Thank you.", b),
        "Answer the question."
    );
    assert_eq!(
        run("Answer the question.\nThank you!\nBe brief.", b),
        "Answer the question.\nBe brief."
    );
    assert_eq!(
        run("Please in order to win, you need to answer.", b),
        "To win, you must answer."
    );
    assert_eq!(
        run("- please be brief\n- Please be kind", b),
        "- be brief\n- Be kind"
    );
    // After a verb, "kindly" says how: it stays.
    assert_eq!(
        run("Explain kindly that we cannot continue.", b),
        "Explain kindly that we cannot continue."
    );
    assert_eq!(
        run("We kindly ask for your patience.", b),
        "We ask for your patience."
    );
    // Inside a sentence, "we would like you to" may be a relative clause:
    // removing it would change what the sentence asks.
    assert_eq!(
        run("Here are the rules that we would like you to follow.", b),
        "Here are the rules that we would like you to follow."
    );
    assert_eq!(
        run("The data is ready, so we would like you to check it.", b),
        "The data is ready, so check it."
    );
    // A verb, not a filler.
    assert_eq!(
        run("We want to please the user and you will please them.", b),
        "We want to please the user and you will please them."
    );
    // Names and acronyms are not capitalized by accident.
    assert_eq!(
        run("Please iPhone users only.", b),
        "Please iPhone users only.".replace("Please ", "")
    );
}

#[test]
fn levels_do_what_they_say() {
    let text = "## Task\n\nI would like you to   write a **very** short summary of the text, in order to help the reader.  \n\n\n\n---\n\nRules:\n- be brief\n- be kind\n- cite sources\n";
    let lossless = run(text, Level::Lossless);
    assert!(
        lossless.contains("I would like you to write"),
        "{lossless:?}"
    );
    assert!(!lossless.contains("  \n"), "{lossless:?}");
    assert!(lossless.contains("## Task"));
    let balanced = run(text, Level::Balanced);
    assert!(
        balanced.starts_with("## Task\n\nWrite a **very** short summary"),
        "{balanced:?}"
    );
    assert!(balanced.contains(", to help the reader."), "{balanced:?}");
    let aggressive = run(text, Level::Aggressive);
    assert!(
        !aggressive.contains('#') && !aggressive.contains("**") && !aggressive.contains("---"),
        "{aggressive:?}"
    );
    assert!(
        aggressive.contains("Rules: be brief; be kind; cite sources"),
        "{aggressive:?}"
    );
    assert!(
        aggressive.contains("Write short summary of text"),
        "{aggressive:?}"
    );
    for level in Level::ALL {
        check_laws(text, level);
    }
}

#[test]
fn whitespace_and_duplicates_are_lossless() {
    let l = Level::Lossless;
    assert_eq!(run("a\u{a0}b  c   d\u{3000}e", l), "a b c d e");
    assert_eq!(
        run("Answer in English.   \nAnswer in English.   \nBe brief.", l),
        "Answer in English.\nBe brief."
    );
    let para = "Always answer in English and keep the answer short.";
    assert_eq!(
        run(&format!("{para}\n\nOther text here.\n\n{para}"), l),
        format!("{para}\n\nOther text here.")
    );
    // Indented prose (a triple-quoted string) loses its indentation; code
    // keeps it.
    assert_eq!(
        run(
            "\n    You are a helpful assistant.\n    Answer briefly.\n",
            l
        ),
        "You are a helpful assistant.\nAnswer briefly."
    );
    let code = "Example:\n\n    def f(x):\n        return x\n";
    assert!(run(code, l).contains("    def f(x):\n        return x"));
    // Nested lists keep their shape.
    assert_eq!(run("- a\n  - b\n  - c", l), "- a\n  - b\n  - c");
    // Words are untouched.
    assert_eq!(
        run("Please note that the answer is very short.", l),
        "Please note that the answer is very short."
    );
}

#[test]
fn normalize_quotes_is_opt_in() {
    let text = "Don’t use the user’s ‘tone’ or “quotes”.";
    assert_eq!(run(text, Level::Lossless), text);
    let o = CompressOptions {
        level: Level::Lossless,
        normalize_quotes: true,
        ..Default::default()
    };
    let out = compress_prompt(Catalogue::bundled(), text, &o).unwrap();
    assert!(out.tokens_after <= out.tokens_before);
    // The quoted strings keep their marks; apostrophes in prose may change
    // when that saves tokens.
    assert!(
        out.text.contains("‘tone’") && out.text.contains("“quotes”"),
        "{:?}",
        out.text
    );
    assert!(out.passes.iter().any(|p| p.name == "quotes"));
}

// ---------------------------------------------------------------------------
// Other languages

#[test]
fn other_languages_get_whitespace_passes_only() {
    let paragraphs = [
        "Vous êtes un assistant  très utile. Il a   une réponse pour la question de l'utilisateur, s'il vous plaît.",
        "Du bist ein hilfreicher Assistent.   Bitte antworte immer   in der Sprache des Nutzers und sei sehr freundlich.",
        "Eres un asistente muy útil. Por favor, responde   a las preguntas del usuario con una respuesta clara.",
        "你是一个非常有用的助手。  请用中文回答用户的问题,   并保持简洁。",
        "あなたはとても役に立つアシスタントです。  ユーザーの質問に日本語で答えてください。",
        "Ты очень полезный помощник.   Пожалуйста, отвечай на вопросы пользователя на русском языке.",
    ];
    let english = "Please note that you must always answer the question in order to help the user.";
    for p in paragraphs {
        let text = format!("{english}\n\n\n\n{p}   \n\n{english} Thank you very much.");
        for level in Level::ALL {
            let out = check_laws(&text, level);
            let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert!(
                squash(&out).contains(&squash(p)),
                "{level}: the paragraph changed beyond whitespace\n{p}\n{out}"
            );
            if level >= Level::Balanced {
                assert!(
                    !out.contains("Please note that"),
                    "English is compressed: {out}"
                );
            }
        }
    }
    // A whole prompt in French: only whitespace.
    let fr = "Je voudrais que vous agissiez comme un traducteur.  Vous   devez traduire le texte en anglais.\n\n\n\nIl a une question.";
    let out = run(fr, Level::Aggressive);
    assert_eq!(
        out.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>(),
        fr.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
    );
}

// ---------------------------------------------------------------------------
// Messages

#[test]
fn messages_compress_text_content_only() {
    let value = json!([
        {"role": "system", "content": "I want you to act as a travel guide. Please answer in order to help."},
        {"role": "user", "name": "bob", "content": [
            {"type": "text", "text": "Please note that I am in Paris."},
            {"type": "image_url", "image_url": {"url": "https://example.com/please.png", "detail": "low"}}
        ]},
        {"role": "assistant", "content": null, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"please\": 1}"}}
        ]},
        {"role": "tool", "tool_call_id": "c1", "content": "in order to"}
    ]);
    let messages = parse_messages(&value, "messages").unwrap();
    let r =
        compress_messages(Catalogue::bundled(), &messages, &CompressOptions::default()).unwrap();
    assert_eq!(r.messages.len(), 4);
    assert_eq!(
        r.messages[0].content,
        Content::Text("Act as a travel guide. Answer to help.".to_string())
    );
    match &r.messages[1].content {
        Content::Parts(parts) => {
            assert_eq!(parts[0], Part::Text("I am in Paris.".to_string()));
            assert!(matches!(parts[1], Part::Image { .. }));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.messages[1].name.as_deref(), Some("bob"));
    assert_eq!(r.messages[2], messages[2]);
    // A tool result is data: compacted (here nothing to compact), never
    // compressed as prose, and counted in the totals.
    assert_eq!(r.messages[3], messages[3]);
    let texts = [
        "I want you to act as a travel guide. Please answer in order to help.",
        "Please note that I am in Paris.",
        "in order to",
    ];
    assert_eq!(
        r.tokens_before,
        texts.iter().map(|t| o200k(t)).sum::<usize>()
    );
    assert_eq!(r.saved_tokens, r.tokens_before - r.tokens_after);
    assert!(r.saved_percent > 0.0);

    let j =
        compress_messages_json(Catalogue::bundled(), &value, &CompressOptions::default()).unwrap();
    assert_eq!(j.tokens_after, r.tokens_after);
    assert_eq!(j.messages[1]["content"][1], value[1]["content"][1]);
    assert_eq!(j.messages[2], value[2]);
    assert_eq!(j.messages[3], value[3]);
    assert_eq!(j.messages[1]["content"][0]["text"], "I am in Paris.");
    assert_eq!(j.messages[1]["name"], "bob");

    let m = Message::new("user", "Kindly reply.");
    let r = compress_messages(Catalogue::bundled(), &[m], &CompressOptions::default()).unwrap();
    assert_eq!(r.messages[0].content, Content::Text("Reply.".to_string()));
}

// ---------------------------------------------------------------------------
// Bad input

#[test]
fn bad_input_is_an_error_with_a_stable_code() {
    let e = Level::parse("extreme").unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert_eq!(e.field_name(), Some("level"));
    assert!(e.message().contains("extreme"));
    assert!("Balanced".parse::<Level>().is_err());
    assert_eq!("aggressive".parse::<Level>().unwrap(), Level::Aggressive);

    let e = compress_prompt(
        Catalogue::bundled(),
        "hi",
        &CompressOptions {
            model: Some("no-such-model".to_string()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownModel);

    let e = compress_messages_json(
        Catalogue::bundled(),
        &json!("not messages"),
        &CompressOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert_eq!(e.field_name(), Some("messages"));
}

#[test]
fn models_choose_the_encoding() {
    let text = "I would like you to please summarize the text in order to help.";
    let a = compress_prompt(
        Catalogue::bundled(),
        text,
        &CompressOptions {
            model: Some("gpt-4".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let cl100k = Catalogue::bundled()
        .resolve_tokenizer(None, Some("cl100k_base"))
        .unwrap();
    assert_eq!(a.tokens_before, cl100k.count_ordinary(text));
    assert_eq!(a.tokens_after, cl100k.count_ordinary(&a.text));
    // An estimated model reports scaled counts.
    let b = compress_prompt(
        Catalogue::bundled(),
        text,
        &CompressOptions {
            model: Some("claude-sonnet-4".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(b.tokens_before > o200k(text));
    assert!(b.saved_tokens > 0);
}

// ---------------------------------------------------------------------------
// Size

#[test]
#[cfg_attr(debug_assertions, ignore = "10 MB inputs; run with --release")]
fn ten_megabytes_compress_and_keep_the_laws() {
    // The speed of this (linear in the input) belongs in the benchmark:
    // `cargo run --release --example compress_report` and bench/. Here the
    // work is checked: 10 MB come back compressed, never longer in tokens,
    // with the same saving per repetition as 1 MB, and the worst cases finish.
    let unit = "I want you to act as a helpful assistant. Please note that in order to answer, you need to use the   data.  \nSee https://example.com/a?b=1 and `code` for {name}.\n\n\n## Heading\n\n- **one** item\n- two items\n\n```py\nx = 1\n```\n\nVous êtes un assistant très utile.\n\n";
    let build = |size: usize| unit.repeat(size / unit.len() + 1);
    let small = compress_prompt(
        Catalogue::bundled(),
        &build(1_000_000),
        &opts(Level::Aggressive),
    )
    .unwrap();
    let big = compress_prompt(
        Catalogue::bundled(),
        &build(10_000_000),
        &opts(Level::Aggressive),
    )
    .unwrap();
    for r in [&small, &big] {
        assert!(r.saved_percent > 20.0, "{}", r.saved_percent);
        assert!(r.tokens_after < r.tokens_before);
    }
    // The same text repeated saves the same share, to within a repetition.
    assert!(
        (small.saved_percent - big.saved_percent).abs() < 0.5,
        "{} vs {}",
        small.saved_percent,
        big.saved_percent
    );
    // One 10 MB paragraph with no line breaks, and 10 MB of one character.
    for text in [
        "please ".repeat(1_500_000),
        "'a ".repeat(3_000_000),
        "\"".repeat(10_000_000),
        "`".repeat(10_000_000),
        "{[(<".repeat(2_500_000),
        "a.".repeat(5_000_000),
        "x ```py\n".repeat(1_250_000),
        "x ```py\n```\n".repeat(800_000),
        "(`a".repeat(3_000_000),
        "x\n\n    y  z\n".repeat(1_000_000),
        "- a\n\n        b\n\n\n".repeat(800_000),
    ] {
        let r = compress_prompt(Catalogue::bundled(), &text, &opts(Level::Aggressive)).unwrap();
        assert!(r.tokens_after <= r.tokens_before, "{:?}", &text[..10]);
    }
}
