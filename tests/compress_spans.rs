//! Prompt compression keeps protected spans byte for byte: code (inline,
//! fenced, indented, multi-backtick), URLs, e-mail addresses, quantities,
//! quotations, JSON, XML, YAML, template variables and tables, alone and in
//! random prompts, next to punctuation or after text.

mod common;

use common::compress::{check_laws, pick, run, PROSE, SEPARATORS};
use common::Rng;
use tokenmeter::compress::{compress_prompt, CompressOptions, Level};
use tokenmeter::Catalogue;

/// A word or phrase that some pass would change outside a span.
fn span_word(rng: &mut Rng) -> &'static str {
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
}

/// One protected span of a random kind. Block kinds come with the line
/// breaks they need around them; the second string is what must survive.
fn protected_span(rng: &mut Rng) -> (String, String) {
    let n = rng.below(1000);
    match rng.below(24) {
        kind @ (1 | 11 | 12 | 13 | 21) => {
            let s = block_span(rng, kind);
            (format!("\n{s}\n"), s)
        }
        kind @ (18 | 19 | 20 | 23) => glued_span(rng, kind),
        kind => {
            let s = inline_span(rng, kind, n);
            (s.clone(), s)
        }
    }
}

/// A span that stands in a line as it is: code, a URL, an address, a
/// quantity, a quotation, a template variable.
fn inline_span(rng: &mut Rng, kind: usize, n: usize) -> String {
    match kind {
        0 => format!("`{}  {}`", span_word(rng), span_word(rng)),
        2 => format!("https://example.com/{n}/please?q=in_order&x=1"),
        3 => format!("www.example.org/very/{n}"),
        4 => format!("please.kindly{n}@example.com"),
        5 => format!("{n} GB"),
        6 => format!("{n}.5 kg"),
        7 => format!("{n}%"),
        8 => format!("\"{}  {}\"", span_word(rng), span_word(rng)),
        9 => format!("'{} {}'", span_word(rng), span_word(rng)),
        10 => format!("“{}  {}”", span_word(rng), span_word(rng)),
        14 => format!("{{user_{n}}}"),
        15 => "{{ very_important }}".to_string(),
        16 => format!("${{value{n}}}"),
        17 => ["<var>", "<user name>", "</b>"][n % 3].to_string(),
        // A code span of two or more backticks that runs across lines,
        // with a backtick inside and lines that look like YAML or a table.
        22 => format!(
            "``{}  `x`\nname:  {}\n|  a | b |\n  {}``",
            span_word(rng),
            span_word(rng),
            span_word(rng)
        ),
        _ => unreachable!("kind {kind} is not inline"),
    }
}

/// A span of whole lines: a fence, JSON, XML, YAML or a table.
fn block_span(rng: &mut Rng, kind: usize) -> String {
    match kind {
        1 => format!(
            "```python\n  {}  \n\n\n{}\n```",
            span_word(rng),
            span_word(rng)
        ),
        11 => format!(
            "{{\n  \"note\": \"{}\",\n  \"n\": [1,  2]\n}}",
            span_word(rng)
        ),
        12 => format!(
            "<task>\n  <step>{}</step>\n   <step>the end</step>\n</task>",
            span_word(rng)
        ),
        13 => format!("name: {}\nlevel:   very high\ntags:\n  - the", "x"),
        _ => format!("| please | the |\n|---|---|\n| {} | x |", span_word(rng)),
    }
}

/// Code in a place that takes care to see: glued to what is around it,
/// opened after text, indented past a list, or ending its line.
fn glued_span(rng: &mut Rng, kind: usize) -> (String, String) {
    match kind {
        // Inline code glued to what is around it: brackets, emphasis, a word.
        18 => {
            let code = format!("`{}  {}`", span_word(rng), span_word(rng));
            let (open, close) = pick_pair(rng);
            (format!("{open}{code}{close}"), code)
        }
        // A fence opened at the end of a prose line.
        19 => {
            let fence = format!("```py\n  {}  \n\n{}\n```", span_word(rng), span_word(rng));
            (format!("Run this: {fence}\n"), fence)
        }
        // Markdown code indented past any list's content column, with a
        // paragraph at the margin after it (the margin is measured on the
        // lines after the first).
        20 => {
            let code = format!(
                "        {}  x  =  1\n\n            # {}",
                span_word(rng),
                span_word(rng)
            );
            (format!("\n\n{code}\n\nSee above.\n"), code)
        }
        // Ends its line: a fence opened after text on the same line would
        // take the span's closing run for an opener of its own.
        _ => {
            let code = format!("```{}  ``\n{}```", span_word(rng), span_word(rng));
            (format!("{code}\n"), code)
        }
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
