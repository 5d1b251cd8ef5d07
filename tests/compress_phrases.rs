//! The phrase tables, entry by entry (every entry applies in a sentence,
//! keeps the capital and saves tokens), the filler rules, what each level
//! does, and that other languages only get the whitespace passes.
//!
//! Issue 28: the phrase table had a floor of 80 entries; it now has the
//! count docs/compression.md states.

mod common;

use common::compress::{capitalize, check_laws, o200k, opts, run};
use tokenmeter::compress::{
    compress_prompt, phrase_table, CompressOptions, Level, PhraseEntry, PhraseKind,
};
use tokenmeter::Catalogue;

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
        applies_mid_sentence(e);
        keeps_the_capital(e);
        stays_out_of_longer_words(e);
        leaves_names_alone(e);
        respects_not_after(e);
        keeps_to_its_level(e);
    }
}

/// Mid-sentence, between two ordinary words (or after a word it is limited
/// to), the entry applies and saves tokens, unless it is for sentence
/// starts only.
fn applies_mid_sentence(e: &PhraseEntry) {
    let o = opts(e.level);
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
}

/// At the start of a sentence, capitalized: the capital is kept.
fn keeps_the_capital(e: &PhraseEntry) {
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
    let out = compress_prompt(Catalogue::bundled(), &input, &opts(e.level)).unwrap();
    if o200k(&want) < o200k(&input) {
        assert_eq!(out.text, want, "{:?} at a sentence start", e.phrase);
    } else {
        // Token-aware: a capitalized form that saves nothing stays.
        assert_eq!(out.text, input, "{:?} at a sentence start", e.phrase);
    }
}

/// Not inside a longer word, nor before a hyphen.
fn stays_out_of_longer_words(e: &PhraseEntry) {
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
    let out = run(&hyphen, e.level);
    assert!(
        out.contains(&format!(" {last}-ish")),
        "{:?} before a hyphen: {out:?}",
        e.phrase
    );
}

/// A capital in the middle of a sentence is a name, not this phrase.
fn leaves_names_alone(e: &PhraseEntry) {
    if e.phrase.starts_with("i ") || e.phrase.starts_with("i'") {
        return;
    }
    // (A shorter entry may still match inside it.)
    let cap = capitalize(&e.phrase);
    let named = format!("So you said {cap} we left early.");
    let first = cap.split(' ').next().unwrap_or("");
    let out = run(&named, e.level);
    assert!(
        out.starts_with(&format!("So you said {first}")),
        "{:?} capitalized mid-sentence: {out:?}",
        e.phrase
    );
}

/// The words it must not follow. (Another entry may remove the word itself
/// first, as "the" goes at the aggressive level.)
fn respects_not_after(e: &PhraseEntry) {
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
}

/// Not below its level, and never at the lossless level.
fn keeps_to_its_level(e: &PhraseEntry) {
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
