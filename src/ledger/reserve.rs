//! Reservations: a call's worst-case cost held against a key's budget
//! while the call runs.
//!
//! Invariants (tested in `tests/ledger.rs`):
//! * Admission: a reservation is made only if the key's spend on the day,
//!   plus its open reservations on the day, plus the new amount, is within
//!   the key's limit, and the same for all keys against the global limit.
//!   Calls admitted this way can never, together, pass a limit by more than
//!   their actual costs exceed what they reserved.
//! * A reservation is open until it is settled, released or expires; each
//!   is closed once (a second settle or release finds nothing).
//! * It counts against the day it was made, and is settled on that day at
//!   the prices of that instant, so a call that runs past midnight is
//!   charged where it was admitted.
//! * Settling records the actual cost, even above the reservation (the
//!   money was spent): an estimated tokenizer can under-count a prompt, and
//!   the overrun is reported rather than hidden.
//! * An expired reservation no longer counts, and is dropped by the next
//!   reservation; settling it afterwards is `UNKNOWN_RESERVATION` (record
//!   the call instead).

use crate::catalogue::{Catalogue, PriceList};
use crate::cost::{CostRequest, Pico};
use crate::error::{Error, ErrorCode, Result};
use crate::time::Instant;

use super::{check_key, price, BudgetLedger, Check};

/// A reservation's default lifetime: 15 minutes.
pub const DEFAULT_TTL_MS: u64 = 15 * 60 * 1000;
/// The longest lifetime: a day.
pub const MAX_TTL_MS: u64 = 24 * 60 * 60 * 1000;
/// The largest amount one reservation may hold: a million USD.
const MAX_AMOUNT: Pico = 1_000_000 * 1_000_000_000_000;

/// An open reservation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reservation {
    pub id: String,
    pub key: String,
    pub amount: Pico,
    /// When it was made (milliseconds since the epoch): its day and prices.
    pub at_ms: i64,
    /// When it stops counting.
    pub expires_ms: i64,
}

/// What [`BudgetLedger::reserve`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct Reserve {
    /// Whether the amount fitted and is now held.
    pub reserved: bool,
    pub amount: Pico,
    /// When the reservation expires (when made).
    pub expires_ms: Option<i64>,
    /// The key's budget after it (or as it stands, when refused).
    pub check: Check,
}

/// What [`BudgetLedger::settle`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct Settle {
    pub key: String,
    /// The call's actual cost, recorded.
    pub cost: Pico,
    /// What was reserved for it.
    pub reserved: Pico,
    /// The key's budget on the reservation's day, after it.
    pub check: Check,
}

pub(super) fn check_ttl(ttl_ms: u64, field: &str) -> Result<()> {
    if !(1000..=MAX_TTL_MS).contains(&ttl_ms) {
        return Err(Error::invalid(
            field,
            format!("must be from 1000 to {MAX_TTL_MS} milliseconds, got {ttl_ms}"),
        ));
    }
    Ok(())
}

fn check_id(id: &str) -> Result<()> {
    if id.is_empty() || id.len() > 256 {
        return Err(Error::invalid(
            "id",
            "must be a string of 1 to 256 characters",
        ));
    }
    Ok(())
}

fn unknown(id: &str) -> Error {
    Error::field(
        ErrorCode::UnknownReservation,
        "id",
        format!(
            "{:?} is not an open reservation (settled, released, expired, or never made)",
            crate::encodings::truncate_for_message(id)
        ),
    )
}

impl BudgetLedger {
    /// Holds `amount` against `key` for a call about to be made, if it fits
    /// (see the module's invariants); `ttl_ms` (default: the config's)
    /// bounds how long it is held. Refused, it returns `reserved: false`
    /// with the budget that refused it. An `id` already open is an error.
    pub fn reserve(
        &mut self,
        key: &str,
        amount: Pico,
        id: &str,
        now_ms: f64,
        ttl_ms: Option<u64>,
    ) -> Result<Reserve> {
        check_key(key)?;
        check_id(id)?;
        if amount > MAX_AMOUNT {
            return Err(Error::invalid("amount", "must be at most 1,000,000 USD"));
        }
        let ttl = ttl_ms.unwrap_or(self.config.reservation_ttl_ms);
        check_ttl(ttl, "options.ttlMs")?;
        let at = Instant::from_ms(now_ms, "now")?;
        self.reservations.retain(|r| r.expires_ms > at.ms());
        if self.reservations.iter().any(|r| r.id == id) {
            return Err(Error::invalid(
                "id",
                "is already an open reservation: each call needs its own id",
            ));
        }
        if !self.fits(key, at, amount) {
            return Ok(Reserve {
                reserved: false,
                amount,
                expires_ms: None,
                check: self.check(key, now_ms)?,
            });
        }
        let expires_ms = at.ms().saturating_add(ttl as i64);
        self.reservations.push(Reservation {
            id: id.to_string(),
            key: key.to_string(),
            amount,
            at_ms: at.ms(),
            expires_ms,
        });
        Ok(Reserve {
            reserved: true,
            amount,
            expires_ms: Some(expires_ms),
            check: self.check(key, now_ms)?,
        })
    }

    /// Closes reservation `id` with the call's actual usage: records its
    /// cost for the reservation's key, on the reservation's day, at the
    /// prices of that instant. A bad call is an error and leaves the
    /// reservation open.
    pub fn settle(
        &mut self,
        catalogue: &Catalogue,
        id: &str,
        call: &CostRequest,
        feature: Option<&str>,
        pricing: Option<&PriceList>,
    ) -> Result<Settle> {
        let i = self
            .reservations
            .iter()
            .position(|r| r.id == id)
            .ok_or_else(|| unknown(id))?;
        let r = self
            .reservations
            .get(i)
            .cloned()
            .ok_or_else(|| unknown(id))?;
        let at = Instant::from_ms(r.at_ms as f64, "now")?;
        let cost = price(catalogue, call, pricing, at)?;
        self.reservations.remove(i);
        self.add(at, &r.key, call, feature, cost);
        Ok(Settle {
            cost,
            reserved: r.amount,
            check: self.check(&r.key, r.at_ms as f64)?,
            key: r.key,
        })
    }

    /// Closes reservation `id` without a cost (the call failed, or was never
    /// made); the reservation, or `None` when it was not open.
    pub fn release(&mut self, id: &str) -> Option<Reservation> {
        let i = self.reservations.iter().position(|r| r.id == id)?;
        Some(self.reservations.remove(i))
    }

    /// The open reservations (expired ones included until the next
    /// reservation drops them; they no longer count).
    pub fn reservations(&self) -> impl Iterator<Item = &Reservation> {
        self.reservations.iter()
    }

    /// What `key` (all keys with `None`) holds in reservations made on `day`
    /// and still open at `at`.
    pub(super) fn reserved_on(&self, day: &str, key: Option<&str>, at: Instant) -> Pico {
        self.reservations
            .iter()
            .filter(|r| r.expires_ms > at.ms() && key.is_none_or(|k| r.key == k))
            .filter(|r| {
                Instant::from_ms(r.at_ms as f64, "at").is_ok_and(|i| i.day().to_string() == day)
            })
            .map(|r| r.amount)
            .sum()
    }
}
