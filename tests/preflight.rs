//! Pre-flight checks, cache keys and the budget ledger.
//!
//! Issue 28: cost.min and cost.max came from the catalogue under test; they
//! now come from gpt-4o's list prices. The cache key's SHA-256 against one
//! computed outside the library, and the fields left out of it, are checked
//! in tests/js/promises.test.mjs.

use serde_json::json;
use tokenmeter::catalogue;
use tokenmeter::cost::{usd, Pricing, Usage};
use tokenmeter::ledger::{utc_day, Alert, BudgetLedger, LedgerConfig};
use tokenmeter::preflight::{preflight, request_cache_key, Budget};

fn gpt4o_request(max_tokens: u64) -> serde_json::Value {
    json!({
        "model": "gpt-4o",
        "messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Hello there"}],
        "max_tokens": max_tokens
    })
}

#[test]
fn preflight_reports_tokens_cost_and_problems() {
    let model = catalogue::get_model("gpt-4o").unwrap();
    let p = preflight(&gpt4o_request(1000), None, None).unwrap();
    assert!(p.ok, "{:?}", p.problems);
    let input = p.input_tokens.unwrap();
    assert_eq!(
        input,
        tokenmeter::chat::count_chat_tokens(
            "gpt-4o",
            &tokenmeter::chat::parse_messages(&gpt4o_request(0)["messages"], "m").unwrap(),
            &[]
        )
        .unwrap() as u64
    );
    // gpt-4o's list prices, $2.50 in and $10 out per 1M tokens
    // (openai.com/api/pricing; tests/js/promises.test.mjs pins every
    // provider's): 2,500,000 and 10,000,000 pico-dollars a token.
    assert_eq!(p.cost_min.unwrap(), u128::from(input) * 2_500_000);
    assert_eq!(p.cost_max.unwrap(), p.cost_min.unwrap() + 1000 * 10_000_000);

    let too_long = preflight(&gpt4o_request(model.max_output_tokens + 1), None, None).unwrap();
    assert!(!too_long.ok);
    assert!(too_long
        .problems
        .iter()
        .any(|x| x.code == "OUTPUT_EXCEEDS_MODEL_MAX"));

    // The budget boundary: exactly enough passes, one pico-dollar less fails.
    let max = p.cost_max.unwrap();
    let exact = Budget {
        limit_pico: max + 5,
        spent_pico: 5,
    };
    assert!(
        preflight(&gpt4o_request(1000), Some(exact), None)
            .unwrap()
            .ok
    );
    let short = Budget {
        limit_pico: max + 4,
        spent_pico: 5,
    };
    let r = preflight(&gpt4o_request(1000), Some(short), None).unwrap();
    assert_eq!(
        r.problems.iter().map(|x| x.code).collect::<Vec<_>>(),
        vec!["BUDGET_EXCEEDED"]
    );

    let unknown = preflight(
        &json!({"model": "gpt-9000-ultra", "messages": []}),
        None,
        None,
    )
    .unwrap();
    assert!(!unknown.ok);
    assert_eq!(unknown.problems[0].code, "UNKNOWN_MODEL");
}

#[test]
fn preflight_finds_context_overflow_one_token_past_the_window() {
    let model = catalogue::get_model("gpt-4o").unwrap();
    let p = preflight(&gpt4o_request(0), None, None).unwrap();
    let input = p.input_tokens.unwrap();
    let fits = preflight(&gpt4o_request(model.context_window - input), None, None).unwrap();
    assert!(!fits.problems.iter().any(|x| x.code == "CONTEXT_OVERFLOW"));
    let over = preflight(&gpt4o_request(model.context_window - input + 1), None, None).unwrap();
    assert!(over.problems.iter().any(|x| x.code == "CONTEXT_OVERFLOW"));
}

#[test]
fn malformed_requests_are_errors() {
    for (req, field) in [
        (json!([]), "request"),
        (json!({"messages": []}), "request.model"),
        (json!({"model": "gpt-4o"}), "request.messages"),
        (
            json!({"model": "gpt-4o", "messages": [{"content": "x"}]}),
            "request.messages[0].role",
        ),
        (
            json!({"model": "gpt-4o", "messages": [], "max_tokens": -1}),
            "request.max_tokens",
        ),
    ] {
        let e = preflight(&req, None, None).unwrap_err();
        assert_eq!(e.field_name(), Some(field), "{req}");
    }
}

#[test]
fn cache_keys_ignore_key_order_and_non_answer_fields() {
    let a = json!({"model": "gpt-4o", "temperature": 0, "messages": [{"role": "user", "content": "hi"}], "stream": true});
    let b = json!({"messages": [{"content": "hi", "role": "user"}], "temperature": 0.0, "model": "gpt-4o", "user": "u1"});
    let ka = request_cache_key(&a, false).unwrap().unwrap();
    assert_eq!(ka.len(), 64);
    assert_eq!(Some(ka.clone()), request_cache_key(&b, false).unwrap());
    let c = json!({"model": "gpt-4o", "temperature": 0, "messages": [{"role": "user", "content": "hi!"}]});
    assert_ne!(Some(ka), request_cache_key(&c, false).unwrap());
    // Sampled answers are not cacheable unless forced.
    let sampled = json!({"model": "gpt-4o", "messages": []});
    assert_eq!(request_cache_key(&sampled, false).unwrap(), None);
    assert!(request_cache_key(&sampled, true).unwrap().is_some());
    assert_eq!(
        request_cache_key(
            &json!({"model": "gpt-4o", "temperature": 0.7, "messages": []}),
            false
        )
        .unwrap(),
        None
    );
}

const DAY: f64 = 86_400_000.0;

#[test]
fn utc_days() {
    assert_eq!(utc_day(0.0).unwrap(), "1970-01-01");
    assert_eq!(utc_day(951_782_400_000.0).unwrap(), "2000-02-29");
    assert_eq!(utc_day(1_795_391_999_999.0).unwrap(), "2026-11-22");
    assert_eq!(utc_day(1_795_392_000_000.0).unwrap(), "2026-11-23");
    assert!(utc_day(f64::NAN).is_err());
    assert!(utc_day(-1.0).is_err());
}

#[test]
fn ledger_limits_alerts_and_midnight() {
    let pricing = Pricing::from_json(&json!({"input": 1, "output": 2}), "p").unwrap();
    let mut l = BudgetLedger::new(LedgerConfig {
        per_key_daily_usd: Some(1.0),
        global_daily_usd: Some(1.5),
        ..LedgerConfig::default()
    })
    .unwrap();
    let t = 1_795_391_000_000.0; // 2026-11-22, 23:43 UTC
    let call = Usage {
        input_tokens: 400_000,
        output_tokens: 0,
        ..Usage::default()
    }; // $0.40
    assert_eq!(
        usd(l
            .record("alice", "m", &call, Some("chat"), Some(&pricing), t)
            .unwrap()),
        0.4
    );
    assert_eq!(l.check("alice", t).unwrap().alert, Alert::None);
    l.record("alice", "m", &call, None, Some(&pricing), t)
        .unwrap();
    let c = l.check("alice", t).unwrap();
    assert_eq!(
        (usd(c.spent), c.alert, c.allowed),
        (0.8, Alert::Warning, true)
    );
    let quarter = Usage {
        input_tokens: 200_000,
        ..Usage::default()
    };
    l.record("alice", "m", &quarter, None, Some(&pricing), t)
        .unwrap();
    let c = l.check("alice", t).unwrap();
    assert_eq!(
        (c.alert, c.allowed, c.remaining),
        (Alert::Exceeded, false, Some(0))
    );
    // Bob is under his own limit but the global one (1.5) is near.
    l.record("bob", "m", &call, None, Some(&pricing), t)
        .unwrap();
    let c = l.check("bob", t).unwrap();
    assert!(c.allowed);
    assert_eq!(c.remaining.map(usd), Some(0.1));
    // After UTC midnight the day starts again.
    let tomorrow = l.check("alice", t + DAY).unwrap();
    assert_eq!((tomorrow.allowed, tomorrow.spent), (true, 0));
    assert_eq!(tomorrow.day, "2026-11-23");
    let report = l.report();
    assert_eq!(usd(report.by_key["alice"].cost), 1.0);
    assert_eq!(report.by_feature["chat"].requests, 1);
}

#[test]
fn ledger_json_round_trips_and_rejects_corruption_whole() {
    let pricing = Pricing::from_json(&json!({"input": 0.15, "output": 0.6}), "p").unwrap();
    let mut l = BudgetLedger::new(LedgerConfig::default()).unwrap();
    for i in 0..1000u64 {
        l.record(
            &format!("u{}", i % 7),
            "m",
            &Usage {
                input_tokens: 1000 + i,
                output_tokens: i,
                ..Usage::default()
            },
            None,
            Some(&pricing),
            1.7e12 + i as f64 * 1e6,
        )
        .unwrap();
    }
    let json = l.to_json();
    let back = BudgetLedger::from_json(&json).unwrap();
    assert_eq!(back, l);
    let mut broken = json.clone();
    broken["entries"][3][4] = json!("12x");
    assert_eq!(
        BudgetLedger::from_json(&broken)
            .unwrap_err()
            .code()
            .as_str(),
        "INVALID_LEDGER"
    );
    let mut broken = json.clone();
    broken["config"]["alertAt"] = json!(7);
    assert!(BudgetLedger::from_json(&broken).is_err());
    let mut broken = json;
    broken["__proto__"] = json!({});
    assert!(BudgetLedger::from_json(&broken).is_err());
}
