//! Pre-flight checks, cache keys and the budget ledger.
//!
//! Issue 28: cost.min and cost.max came from the catalogue under test; they
//! now come from gpt-4o's list prices. The cache key's SHA-256 against one
//! computed outside the library, and the fields left out of it, are checked
//! in tests/js/promises.test.mjs.

use serde_json::json;
use tokenmeter::catalogue::PriceList;
use tokenmeter::cost::{self, usd, CostRequest, Usage};
use tokenmeter::ledger::{utc_day, Alert, BudgetLedger, LedgerConfig};
use tokenmeter::preflight::{self, request_cache_key, Budget, Preflight, ProblemCode};
use tokenmeter::time::Instant;
use tokenmeter::{Catalogue, Result};

fn noon() -> Instant {
    Instant::parse("2026-12-07T12:00:00Z", "at").unwrap()
}

/// Preflight with the bundled catalogue, today.
fn preflight(
    request: &serde_json::Value,
    budget: Option<Budget>,
    pricing: Option<&PriceList>,
) -> Result<Preflight> {
    preflight::preflight(Catalogue::bundled(), request, budget, pricing, noon())
}

/// GPT-4o's list prices (openai.com/api/pricing, unchanged since 2024-08):
/// $2.50 per 1M input tokens, $10 per 1M output tokens, given explicitly so
/// that the expected costs do not come from the catalogue under test.
fn gpt4o_prices() -> PriceList {
    cost::pricing_from_json(&json!({"input": 2.5, "output": 10}), "p").unwrap()
}

fn pricing_from_json(v: &serde_json::Value) -> PriceList {
    cost::pricing_from_json(v, "p").unwrap()
}

/// A call of `model` with `usage`, bought at standard prices.
fn call(model: &str, usage: &Usage) -> CostRequest {
    CostRequest {
        model: model.to_string(),
        usage: usage.clone(),
        service_tier: None,
    }
}

fn gpt4o_request(max_tokens: u64) -> serde_json::Value {
    json!({
        "model": "gpt-4o",
        "messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Hello there"}],
        "max_tokens": max_tokens
    })
}

#[test]
fn preflight_reports_tokens_cost_and_problems() {
    let prices = gpt4o_prices();
    let p = preflight(&gpt4o_request(1000), None, Some(&prices)).unwrap();
    assert!(p.ok, "{:?}", p.problems);
    // The cookbook's rule: 3 a message plus its role and content, 3 to
    // prime the reply: "system" 1 + "You are terse." 4, "user" 1 +
    // "Hello there" 2, so 3 + 5 + 3 + 3 + 3 = 17.
    let input = p.input_tokens.unwrap();
    assert_eq!(input, 17);
    // $2.50 per 1M tokens is 2,500,000 pico-dollars a token.
    assert_eq!(p.cost_min.unwrap(), 17 * 2_500_000);
    assert_eq!(p.cost_max.unwrap(), 17 * 2_500_000 + 1000 * 10_000_000);
    // GPT-4o writes at most 16,384 tokens (platform.openai.com/docs/models/gpt-4o).
    assert_eq!(p.context_window, Some(128_000));
    let too_long = preflight(&gpt4o_request(16_385), None, None).unwrap();
    assert!(!too_long.ok);
    assert!(too_long
        .problems
        .iter()
        .any(|x| x.code == ProblemCode::OutputExceedsModelMax));

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
        vec![ProblemCode::BudgetExceeded]
    );

    let unknown = preflight(
        &json!({"model": "gpt-9000-ultra", "messages": []}),
        None,
        None,
    )
    .unwrap();
    assert!(!unknown.ok);
    assert_eq!(unknown.problems[0].code, ProblemCode::UnknownModel);
}

#[test]
fn preflight_finds_context_overflow_one_token_past_the_window() {
    // GPT-4.1: a 1,047,576-token window shared by input and output, 32,768
    // output at most (platform.openai.com/docs/models/gpt-4.1).
    let request = |max_tokens: u64| {
        let mut r = gpt4o_request(max_tokens);
        r["model"] = json!("gpt-4.1");
        r["messages"][1]["content"] = json!("word ".repeat(1_020_000));
        r
    };
    let input = preflight(&request(0), None, None)
        .unwrap()
        .input_tokens
        .unwrap();
    let room = 1_047_576 - input;
    assert!(
        room < 32_768,
        "the prompt must leave less room than the output maximum"
    );
    let fits = preflight(&request(room), None, None).unwrap();
    assert!(fits.fits(), "{:?}", fits.problems);
    let over = preflight(&request(room + 1), None, None).unwrap();
    assert!(over
        .problems
        .iter()
        .any(|x| x.code == ProblemCode::ContextOverflow));
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
    let pricing = pricing_from_json(&json!({"input": 1, "output": 2}));
    let mut l = BudgetLedger::new(LedgerConfig {
        per_key_daily_usd: Some(1.0),
        global_daily_usd: Some(1.5),
        ..LedgerConfig::default()
    })
    .unwrap();
    let t = 1_795_391_000_000.0; // 2026-11-22, 23:43 UTC

    // Records a call of "m" for `key` at `t` and at `pricing`; returns its cost.
    let record = |l: &mut BudgetLedger, key: &str, usage: &Usage, feature: Option<&str>| {
        l.record(
            Catalogue::bundled(),
            key,
            &call("m", usage),
            feature,
            Some(&pricing),
            t,
        )
        .unwrap()
    };
    let forty_cents = Usage {
        input_tokens: 400_000,
        output_tokens: 0,
        ..Usage::default()
    }; // $0.40
    assert_eq!(
        usd(record(&mut l, "alice", &forty_cents, Some("chat"))),
        0.4
    );
    assert_eq!(l.check("alice", t).unwrap().alert, Alert::None);
    record(&mut l, "alice", &forty_cents, None);
    let c = l.check("alice", t).unwrap();
    assert_eq!(
        (usd(c.spent), c.alert, c.allowed),
        (0.8, Alert::Warning, true)
    );
    let quarter = Usage {
        input_tokens: 200_000,
        ..Usage::default()
    };
    record(&mut l, "alice", &quarter, None);
    let c = l.check("alice", t).unwrap();
    assert_eq!(
        (c.alert, c.allowed, c.remaining),
        (Alert::Exceeded, false, Some(0))
    );
    // Bob is under his own limit but the global one (1.5) is near.
    record(&mut l, "bob", &forty_cents, None);
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
    let pricing = pricing_from_json(&json!({"input": 0.15, "output": 0.6}));
    let catalogue = Catalogue::bundled();
    let mut l = BudgetLedger::new(LedgerConfig::default()).unwrap();
    for i in 0..1000u64 {
        l.record(
            catalogue,
            &format!("u{}", i % 7),
            &call(
                "m",
                &Usage {
                    input_tokens: 1000 + i,
                    output_tokens: i,
                    ..Usage::default()
                },
            ),
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
