//! build/phrases.rs, which turns data/phrases.json into the compiled phrase
//! tables, refuses bad entries (a bad edit fails the build).

type BuildResult<T> = Result<T, Box<dyn std::error::Error>>;

#[path = "../build/phrases.rs"]
#[allow(dead_code)]
mod phrases;

use phrases::phrases_source;

fn file(fillers: &str, rewrites: &str) -> String {
    format!(r#"{{"about":"","source":"","date":"","fillers":[{fillers}],"rewrites":[{rewrites}]}}"#)
}

#[test]
fn bad_entries_are_rejected() {
    let bad = [
        file(r#"{"phrase":"Please","level":"balanced"}"#, ""),
        file(r#"{"phrase":"please","level":"extreme"}"#, ""),
        file("", r#"{"phrase":"in order to","level":"balanced"}"#),
        file(r#"{"phrase":"in  order","level":"balanced"}"#, ""),
        file(
            r#"{"phrase":"please","replacement":"pls","level":"balanced"}"#,
            "",
        ),
        file(
            "",
            r#"{"phrase":"thanks","replacement":"ty","level":"balanced","wholeSentence":true}"#,
        ),
        file(
            r#"{"phrase":"please","level":"balanced"},{"phrase":"please","level":"aggressive"}"#,
            "",
        ),
        file(
            r#"{"phrase":"please","level":"balanced","colour":"red"}"#,
            "",
        ),
    ];
    for f in &bad {
        assert!(phrases_source(f).is_err(), "{f}");
    }
    let good = phrases_source(&file(r#"{"phrase":"please","level":"balanced"}"#, "")).unwrap();
    assert!(good.contains(r#"phrase: "please""#), "{good}");
}

#[test]
fn the_shipped_file_passes() {
    assert!(phrases_source(include_str!("../data/phrases.json")).is_ok());
}
