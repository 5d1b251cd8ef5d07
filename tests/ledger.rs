//! Budget reservations: admission against spend plus open reservations,
//! settle, release, expiry, records held to the budget, per-key reports, and
//! the ledger's JSON (version 2, and version 1 still read).

use proptest::prelude::*;
use serde_json::json;

use tokenmeter::cost::{pricing_from_json, usd, CostRequest, Pico, Usage};
use tokenmeter::ledger::{BudgetLedger, LedgerConfig};
use tokenmeter::{Catalogue, ErrorCode};

const USD: Pico = 1_000_000_000_000;
const T: f64 = 1_795_391_000_000.0; // 2026-11-22, 23:43 UTC
const DAY: f64 = 86_400_000.0;

fn ledger(per_key: Option<f64>, global: Option<f64>) -> BudgetLedger {
    BudgetLedger::new(LedgerConfig {
        per_key_daily_usd: per_key,
        global_daily_usd: global,
        ..LedgerConfig::default()
    })
    .unwrap()
}

/// A call whose cost is `input` micro-dollars at $1 per 1M input tokens.
fn call(input: u64) -> CostRequest {
    CostRequest {
        model: "m".into(),
        usage: Usage {
            input_tokens: input,
            ..Usage::default()
        },
        service_tier: None,
    }
}

fn pricing() -> tokenmeter::catalogue::PriceList {
    pricing_from_json(&json!({ "input": 1, "output": 2 }), "pricing").unwrap()
}

#[test]
fn reservations_hold_budget_until_settled_or_released() {
    let c = Catalogue::bundled();
    let mut l = ledger(Some(1.0), None);
    // Three reservations of $0.40: two fit, the third does not.
    assert!(
        l.reserve("alice", 40 * USD / 100, "r1", T, None)
            .unwrap()
            .reserved
    );
    let r2 = l.reserve("alice", 40 * USD / 100, "r2", T, None).unwrap();
    assert!(r2.reserved);
    assert_eq!(
        (r2.check.reserved, r2.check.remaining),
        (80 * USD / 100, Some(20 * USD / 100))
    );
    let r3 = l.reserve("alice", 40 * USD / 100, "r3", T, None).unwrap();
    assert!(!r3.reserved);
    assert_eq!(r3.expires_ms, None);
    assert_eq!(r3.check.remaining, Some(20 * USD / 100));
    // Nothing is spent yet.
    assert_eq!(l.check("alice", T).unwrap().spent, 0);
    // r1 settles at $0.10 (100,000 tokens at $1/M): its $0.30 comes back.
    let s = l
        .settle(c, "r1", &call(100_000), None, Some(&pricing()))
        .unwrap();
    assert_eq!(
        (s.cost, s.reserved, s.key.as_str()),
        (10 * USD / 100, 40 * USD / 100, "alice")
    );
    assert_eq!(
        (s.check.spent, s.check.reserved),
        (10 * USD / 100, 40 * USD / 100)
    );
    assert!(
        l.reserve("alice", 40 * USD / 100, "r3", T, None)
            .unwrap()
            .reserved
    );
    // Released: nothing spent, the budget back.
    assert_eq!(l.release("r2").map(|r| r.amount), Some(40 * USD / 100));
    assert!(l.release("r2").is_none(), "a reservation closes once");
    let e = l
        .settle(c, "r2", &call(1), None, Some(&pricing()))
        .unwrap_err();
    assert_eq!(
        (e.code(), e.field_name()),
        (ErrorCode::UnknownReservation, Some("id"))
    );
    let check = l.check("alice", T).unwrap();
    assert_eq!(
        (check.spent, check.reserved),
        (10 * USD / 100, 40 * USD / 100)
    );
    // Reaching the limit exactly is allowed.
    assert!(
        l.reserve("alice", 50 * USD / 100, "r4", T, None)
            .unwrap()
            .reserved
    );
    assert!(!l.reserve("alice", 1, "r5", T, None).unwrap().reserved);
    // Other keys have their own budget.
    assert!(l.reserve("bob", USD, "b1", T, None).unwrap().reserved);
}

#[test]
fn the_global_limit_counts_every_keys_reservations() {
    let mut l = ledger(Some(1.0), Some(1.5));
    assert!(
        l.reserve("a", 80 * USD / 100, "a1", T, None)
            .unwrap()
            .reserved
    );
    assert!(
        l.reserve("b", 70 * USD / 100, "b1", T, None)
            .unwrap()
            .reserved
    );
    let refused = l.reserve("c", 1, "c1", T, None).unwrap();
    assert!(!refused.reserved);
    assert_eq!(refused.check.remaining, Some(0));
}

#[test]
fn settle_records_on_the_reservations_day_even_after_midnight() {
    let c = Catalogue::bundled();
    let mut l = ledger(Some(1.0), None);
    assert!(l.reserve("alice", USD, "late", T, None).unwrap().reserved);
    // Tomorrow, alice's budget is whole: the reservation counts on its day.
    assert_eq!(l.check("alice", T + DAY).unwrap().reserved, 0);
    let s = l
        .settle(c, "late", &call(300_000), None, Some(&pricing()))
        .unwrap();
    assert_eq!(s.check.day, "2026-11-22");
    let r = l.report_of(Some("alice"));
    assert_eq!(r.by_day.keys().collect::<Vec<_>>(), ["2026-11-22"]);
}

#[test]
fn settle_records_the_actual_cost_even_above_the_reservation() {
    let c = Catalogue::bundled();
    let mut l = ledger(Some(1.0), None);
    assert!(
        l.reserve("alice", 10 * USD / 100, "r", T, None)
            .unwrap()
            .reserved
    );
    let s = l
        .settle(c, "r", &call(250_000), None, Some(&pricing()))
        .unwrap();
    assert_eq!((s.cost, s.reserved), (25 * USD / 100, 10 * USD / 100));
    assert_eq!(l.check("alice", T).unwrap().spent, 25 * USD / 100);
    // A bad call leaves the reservation open.
    assert!(
        l.reserve("alice", 10 * USD / 100, "r2", T, None)
            .unwrap()
            .reserved
    );
    let bad = CostRequest {
        model: "no-such-model".into(),
        ..call(1)
    };
    assert!(l.settle(c, "r2", &bad, None, None).is_err());
    assert_eq!(l.check("alice", T).unwrap().reserved, 10 * USD / 100);
}

#[test]
fn reservations_expire() {
    let mut l = ledger(Some(1.0), None);
    assert!(
        l.reserve("alice", USD, "stale", T, Some(60_000))
            .unwrap()
            .reserved
    );
    assert!(
        !l.reserve("alice", 1, "next", T + 59_999.0, None)
            .unwrap()
            .reserved
    );
    // A minute later the crashed caller's hold is gone.
    let r = l.reserve("alice", USD, "next", T + 60_000.0, None).unwrap();
    assert!(r.reserved);
    assert_eq!(l.reservations().count(), 1, "the expired one was dropped");
    let e = l
        .settle(
            Catalogue::bundled(),
            "stale",
            &call(1),
            None,
            Some(&pricing()),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownReservation);
}

#[test]
fn bad_reservations_are_errors() {
    let mut l = ledger(Some(1.0), None);
    for (key, id, ttl) in [
        ("", "x", None),
        ("k", "", None),
        ("k", "x", Some(10)),
        ("k", "x", Some(u64::MAX)),
    ] {
        assert!(
            l.reserve(key, 1, id, T, ttl).is_err(),
            "{key:?} {id:?} {ttl:?}"
        );
    }
    assert!(l.reserve("k", 1, "x", f64::NAN, None).is_err());
    assert!(l.reserve("k", u128::MAX, "x", T, None).is_err());
    assert!(l.reserve("k", 1, "x", T, None).unwrap().reserved);
    let e = l.reserve("k", 1, "x", T, None).unwrap_err();
    assert_eq!(e.field_name(), Some("id"));
}

#[test]
fn try_record_records_only_within_the_budget() {
    let c = Catalogue::bundled();
    let mut l = ledger(Some(1.0), None);
    let t = l
        .try_record(c, "alice", &call(750_000), None, Some(&pricing()), T)
        .unwrap();
    assert!(t.recorded);
    assert_eq!((t.cost, t.check.spent), (75 * USD / 100, 75 * USD / 100));
    // An open reservation counts.
    assert!(
        l.reserve("alice", 20 * USD / 100, "r", T, None)
            .unwrap()
            .reserved
    );
    let t = l
        .try_record(c, "alice", &call(100_000), None, Some(&pricing()), T)
        .unwrap();
    assert!(!t.recorded);
    assert_eq!((t.cost, t.check.spent), (10 * USD / 100, 75 * USD / 100));
    l.release("r");
    // Exactly to the limit.
    let t = l
        .try_record(c, "alice", &call(250_000), None, Some(&pricing()), T)
        .unwrap();
    assert!(t.recorded);
    assert_eq!(t.check.remaining, Some(0));
    assert!(
        !l.try_record(c, "alice", &call(1), None, Some(&pricing()), T)
            .unwrap()
            .recorded
    );
    assert!(
        l.try_record(c, "alice", &call(0), None, Some(&pricing()), T)
            .unwrap()
            .recorded
    );
}

#[test]
fn per_key_reports_by_day_and_model() {
    let c = Catalogue::bundled();
    let mut l = ledger(None, None);
    let p = pricing();
    l.record(c, "alice", &call(1_000_000), None, Some(&p), T)
        .unwrap();
    l.record(
        c,
        "alice",
        &CostRequest {
            model: "n".into(),
            ..call(2_000_000)
        },
        None,
        Some(&p),
        T + DAY,
    )
    .unwrap();
    l.record(c, "bob", &call(5_000_000), None, Some(&p), T)
        .unwrap();
    let r = l.report_of(Some("alice"));
    assert_eq!(r.by_key.keys().collect::<Vec<_>>(), ["alice"]);
    let lines: Vec<(&str, &str, f64)> = r
        .by_day_model
        .iter()
        .map(|((d, m), s)| (d.as_str(), m.as_str(), usd(s.cost)))
        .collect();
    assert_eq!(lines, [("2026-11-22", "m", 1.0), ("2026-11-23", "n", 2.0)]);
    assert_eq!(usd(l.report().by_model["m"].cost), 6.0);
}

#[test]
fn json_keeps_reservations_and_reads_version_1() {
    let c = Catalogue::bundled();
    let mut l = ledger(Some(2.0), None);
    l.record(c, "alice", &call(300_000), None, Some(&pricing()), T)
        .unwrap();
    l.reserve("alice", USD, "open-call", T, None).unwrap();
    let j = l.to_json();
    assert_eq!(j["version"], 2);
    assert_eq!(j["reservations"][0][0], "open-call");
    let back = BudgetLedger::from_json(&j).unwrap();
    assert_eq!(back, l);
    assert_eq!(back.check("alice", T).unwrap().reserved, USD);
    // A version 1 ledger (as stored before reservations) loads.
    let v1 = json!({ "version": 1, "config": { "perKeyDailyUsd": 2.0, "globalDailyUsd": null },
        "entries": [["2026-11-22", "alice", "m", "", "300000000000", 1, 300000, 0]] });
    let old = BudgetLedger::from_json(&v1).unwrap();
    assert_eq!(old.check("alice", T).unwrap().spent, 30 * USD / 100);
    assert_eq!(old.reservations().count(), 0);
    for broken in [
        json!({ "version": 1, "config": {}, "entries": [], "reservations": [] }),
        json!({ "version": 2, "config": {}, "entries": [] }),
        json!({ "version": 3, "config": {}, "entries": [], "reservations": [] }),
        json!({ "version": 2, "config": {}, "entries": [], "reservations": [["a", "k", "1x", 0, 1]] }),
        json!({ "version": 2, "config": {}, "entries": [], "reservations": [["a", "k", "1", 5, 5]] }),
        json!({ "version": 2, "config": {}, "entries": [], "reservations": [["", "k", "1", 0, 1]] }),
        json!({ "version": 2, "config": {}, "entries": [], "reservations": [["a", "k", "1", 0, 1], ["a", "k", "1", 0, 1]] }),
        json!({ "version": 2, "config": { "reservationTtlMs": 5 }, "entries": [], "reservations": [] }),
    ] {
        let e = BudgetLedger::from_json(&broken).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidLedger, "{broken}");
    }
}

proptest! {
    /// Any interleaving of reservations, settles (at most the reserved
    /// amount) and releases keeps each key's day within its limit, and the
    /// spend is the sum of the settled costs.
    #[test]
    fn no_interleaving_passes_the_limit(ops in proptest::collection::vec((0u8..3, 0usize..4, 1u64..400_000, 0u64..100), 1..200)) {
        let c = Catalogue::bundled();
        let p = pricing();
        let mut l = ledger(Some(1.0), Some(2.5));
        let keys = ["a", "b", "c", "d"];
        let mut open: Vec<(String, u64)> = Vec::new();
        let mut settled: Pico = 0;
        for (i, (op, k, tokens, share)) in ops.into_iter().enumerate() {
            match op {
                0 => {
                    let id = format!("r{i}");
                    let amount = Pico::from(tokens) * USD / 1_000_000;
                    if l.reserve(keys[k], amount, &id, T, None).unwrap().reserved {
                        open.push((id, tokens));
                    }
                }
                1 if !open.is_empty() => {
                    let (id, tokens) = open.remove(k % open.len());
                    let actual = tokens * share / 100;
                    settled += l.settle(c, &id, &call(actual), None, Some(&p)).unwrap().cost;
                }
                _ if !open.is_empty() => {
                    let (id, _) = open.remove(k % open.len());
                    prop_assert!(l.release(&id).is_some());
                }
                _ => {}
            }
            let mut all = 0;
            for key in keys {
                let check = l.check(key, T).unwrap();
                prop_assert!(check.spent + check.reserved <= USD, "{key} past its limit");
                all += check.spent + check.reserved;
            }
            prop_assert!(all <= 25 * USD / 10, "past the global limit");
        }
        prop_assert_eq!(l.report().by_day.values().map(|s| s.cost).sum::<Pico>(), settled);
    }
}
