//! Calendar days and instants, in UTC.
//!
//! Prices change on dates, models retire on dates, budgets reset at UTC
//! midnight, and DeepSeek's off-peak window is a time of day. The library
//! never reads a clock: every instant is passed in, which keeps pricing
//! deterministic and testable across midnight and across a price change.

use std::fmt;

use crate::error::{Error, Result};

const MS_PER_DAY: i64 = 86_400_000;
/// 9999-12-31T23:59:59.999Z: the last instant a four-digit year can write.
const MAX_MS: i64 = 253_402_300_799_999;

/// A UTC calendar day, as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i64);

/// An instant, as milliseconds since the Unix epoch, from 1970 to 9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(i64);

impl Day {
    /// Parses `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(text: &str, field: &str) -> Result<Day> {
        let bad = || Error::invalid(field, format!("{text:?} is not a date (YYYY-MM-DD)"));
        let (y, m, d) = split_date(text).ok_or_else(bad)?;
        if d > days_in_month(y, m) {
            return Err(bad());
        }
        Ok(Day(days_from_civil(y, m, d)))
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Day) -> i64 {
        later.0 - self.0
    }

    /// The first instant of the day.
    pub fn start(self) -> Instant {
        Instant(self.0 * MS_PER_DAY)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Instant {
    /// From milliseconds since the epoch (a JS `Date`'s value).
    pub fn from_ms(ms: f64, field: &str) -> Result<Instant> {
        if !ms.is_finite() || !(0.0..=MAX_MS as f64).contains(&ms) {
            return Err(Error::invalid(
                field,
                format!("must be a time from 1970 to 9999, got {ms}"),
            ));
        }
        Ok(Instant(ms.floor() as i64))
    }

    /// Parses `YYYY-MM-DD` (midnight UTC) or an RFC 3339 date-time
    /// (`2026-12-07T15:04:05Z`, `...+01:00`, fractions of a second allowed).
    pub fn parse(text: &str, field: &str) -> Result<Instant> {
        let bad = || {
            Error::invalid(
                field,
                format!(
                    "{:?} is not a date (YYYY-MM-DD or an ISO 8601 date-time such as 2026-12-07T15:04:05Z)",
                    crate::encodings::truncate_for_message(text)
                ),
            )
        };
        let (date, rest) = match text.split_once(['T', 't', ' ']) {
            Some((d, r)) => (d, Some(r)),
            None => (text, None),
        };
        let day = Day::parse(date, field).map_err(|_| bad())?;
        let Some(rest) = rest else {
            return Ok(day.start());
        };
        let ms = time_of_day_ms(rest).ok_or_else(bad)?;
        let at = day.start().0 + ms;
        if !(0..=MAX_MS).contains(&at) {
            return Err(bad());
        }
        Ok(Instant(at))
    }

    pub fn ms(self) -> i64 {
        self.0
    }

    /// The UTC day the instant falls on.
    pub fn day(self) -> Day {
        Day(self.0.div_euclid(MS_PER_DAY))
    }

    /// The UTC weekday, 0 Monday to 6 Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday.
        (self.day().0 + 3).rem_euclid(7) as u32
    }

    /// Minutes since UTC midnight, 0 to 1439.
    pub fn minute_of_day(self) -> u32 {
        (self.0.rem_euclid(MS_PER_DAY) / 60_000) as u32
    }
}

/// `HH:MM[:SS[.fff]]` followed by `Z` or `±HH:MM`, as milliseconds to add to
/// the day's midnight (negative or past a day when the offset carries it).
fn time_of_day_ms(text: &str) -> Option<i64> {
    let (clock, offset_ms) = if let Some(c) = text.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else {
        let at = text.rfind(['+', '-'])?;
        let (c, off) = text.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (h, m) = off.get(1..)?.split_once(':')?;
        let (h, m) = (two_digits(h)?, two_digits(m)?);
        if h > 23 || m > 59 {
            return None;
        }
        (c, sign * (h * 60 + m) * 60_000)
    };
    let mut parts = clock.splitn(3, ':');
    let h = two_digits(parts.next()?)?;
    let m = two_digits(parts.next()?)?;
    let (s, frac_ms) = match parts.next() {
        None => (0, 0),
        Some(s) => {
            let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
            if !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 9 {
                return None;
            }
            let ms = format!("{frac:0<3}").get(..3)?.parse::<i64>().ok()?;
            (two_digits(whole)?, ms)
        }
    };
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    Some(((h * 60 + m) * 60 + s) * 1000 + frac_ms - offset_ms)
}

fn two_digits(s: &str) -> Option<i64> {
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A time of day `HH:MM` (UTC), as minutes since midnight; `24:00` is the
/// end of the day.
pub fn parse_clock(text: &str, field: &str) -> Result<u32> {
    let bad = || Error::invalid(field, format!("{text:?} is not a time of day (HH:MM, UTC)"));
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    let (h, m) = (
        two_digits(h).ok_or_else(bad)?,
        two_digits(m).ok_or_else(bad)?,
    );
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok((h * 60 + m) as u32)
}

fn split_date(text: &str) -> Option<(i64, i64, i64)> {
    let b = text.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    ((1970..=9999).contains(&y) && (1..=12).contains(&m) && d >= 1).then_some((y, m, d))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_reject_impossible_dates() {
        for text in ["1970-01-01", "2024-02-29", "2026-12-07", "9999-12-31"] {
            assert_eq!(Day::parse(text, "d").unwrap().to_string(), text);
        }
        for text in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-1",
            "26-01-01",
            "x",
        ] {
            assert!(Day::parse(text, "d").is_err(), "{text}");
        }
    }

    #[test]
    fn instants_parse_with_offsets_and_fractions() {
        let at = |s: &str| Instant::parse(s, "at").unwrap().ms();
        assert_eq!(at("1970-01-01T00:00:00Z"), 0);
        assert_eq!(at("1970-01-01T01:00:00+01:00"), 0);
        assert_eq!(at("1970-01-01T00:00:01.5Z"), 1500);
        assert_eq!(at("2026-12-07"), 1_796_601_600_000);
        for bad in [
            "2026-12-07T25:00Z",
            "2026-12-07T10:00",
            "tomorrow",
            "1969-12-31",
        ] {
            assert!(Instant::parse(bad, "at").is_err(), "{bad}");
        }
    }

    #[test]
    fn minute_of_day_and_day_of_an_instant() {
        let i = Instant::parse("2026-12-07T16:30:59Z", "at").unwrap();
        assert_eq!(i.minute_of_day(), 16 * 60 + 30);
        assert_eq!(i.day().to_string(), "2026-12-07");
        assert_eq!(i.weekday(), 0, "2026-12-07 is a Monday");
        assert_eq!(
            Instant::from_ms(0.0, "t").unwrap().weekday(),
            3,
            "a Thursday"
        );
        assert_eq!(parse_clock("24:00", "t").unwrap(), 1440);
        assert!(parse_clock("24:01", "t").is_err());
    }
}
