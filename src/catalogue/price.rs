//! Price lists: what one model charges, and which of its prices apply to a
//! request at an instant.
//!
//! A price is integer micro-dollars per million tokens, which is the same
//! number as pico-dollars per token: a cost is `tokens x price`, exact in
//! integer pico-dollars for any count a caller can pass.

use std::fmt;

use crate::error::{Error, ErrorCode, Result};
use crate::time::{Day, Instant};

/// A price in micro-USD per 1M tokens (= pico-USD per token).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Price(pub u64);

impl Price {
    /// Largest accepted price: $1,000,000 per 1M tokens. Far above any real
    /// price, and small enough that no cost computation can overflow.
    pub const MAX_USD_PER_MILLION: f64 = 1_000_000.0;

    /// From USD per 1M tokens, which must be finite, non-negative and have at
    /// most 6 decimal places.
    pub fn from_usd_per_million(value: f64, field: &str) -> Result<Price> {
        if !value.is_finite() || value < 0.0 {
            return Err(Error::invalid(
                field,
                format!("must be a non-negative number of USD per 1M tokens, got {value}"),
            ));
        }
        if value > Self::MAX_USD_PER_MILLION {
            return Err(Error::invalid(
                field,
                format!("{value} USD per 1M tokens is beyond the accepted maximum of 1000000"),
            ));
        }
        let micro = value * 1e6;
        let rounded = micro.round();
        if (micro - rounded).abs() > 1e-3 {
            return Err(Error::invalid(
                field,
                format!("{value} has more than 6 decimal places"),
            ));
        }
        Ok(Price(rounded as u64))
    }

    pub fn usd_per_million(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// The price times `millionths / 10^6`, rounded to the nearest
    /// micro-dollar (a regional uplift of 1.1 on $3 is exactly $3.30).
    pub fn scaled(self, millionths: u64) -> Price {
        let p = (u128::from(self.0) * u128::from(millionths) + 500_000) / 1_000_000;
        Price(u64::try_from(p).unwrap_or(u64::MAX))
    }
}

/// How long a cache write lives: `5m`, `1h`, `30m`, `12h`, `24h` ... Each
/// lifetime a provider offers is priced on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lifetime {
    minutes: u32,
}

impl Lifetime {
    pub const FIVE_MINUTES: Lifetime = Lifetime { minutes: 5 };
    pub const ONE_HOUR: Lifetime = Lifetime { minutes: 60 };

    /// Parses `<n>m`, `<n>h` or `<n>d`, from one minute to 31 days.
    pub fn parse(text: &str, field: &str) -> Result<Lifetime> {
        let bad = || {
            Error::invalid(
                field,
                format!("{text:?} is not a cache lifetime (such as \"5m\", \"1h\", \"12h\")"),
            )
        };
        let split = text.len().checked_sub(1).ok_or_else(bad)?;
        let (n, unit) = text.split_at(split);
        if n.is_empty() || n.len() > 5 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u32 = n.parse().map_err(|_| bad())?;
        let minutes = match unit {
            "m" => n,
            "h" => n * 60,
            "d" => n * 1440,
            _ => return Err(bad()),
        };
        if minutes == 0 || minutes > 31 * 1440 {
            return Err(bad());
        }
        Ok(Lifetime { minutes })
    }

    pub fn minutes(self) -> u32 {
        self.minutes
    }
}

impl fmt::Display for Lifetime {
    /// The shortest spelling: `5m`, `1h`, `12h`, `90m`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.minutes % 60 == 0 {
            write!(f, "{}h", self.minutes / 60)
        } else {
            write!(f, "{}m", self.minutes)
        }
    }
}

/// Prices of one model for one kind of request, per kind of token.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prices {
    pub input: Price,
    pub output: Price,
    /// Cache reads. `None`: the provider has no prompt caching for the model.
    pub cached_input: Option<Price>,
    /// Cache writes by lifetime, shortest first. Empty where writes are not
    /// billed apart from input (they then cost the input price).
    pub cache_writes: Vec<(Lifetime, Price)>,
    pub batch_input: Option<Price>,
    pub batch_output: Option<Price>,
}

impl Prices {
    /// The price of a cache write with `lifetime` (the shortest priced one
    /// when `None`): the input price where writes are not priced apart, an
    /// error naming the priced lifetimes where this one is not among them.
    pub fn cache_write(&self, lifetime: Option<Lifetime>) -> Result<Price> {
        let Some(&(shortest, first)) = self.cache_writes.first() else {
            return Ok(self.input);
        };
        let Some(wanted) = lifetime else {
            return Ok(first);
        };
        if wanted == shortest {
            return Ok(first);
        }
        self.cache_writes
            .iter()
            .find(|(l, _)| *l == wanted)
            .map(|(_, p)| *p)
            .ok_or_else(|| {
                let priced: Vec<String> = self
                    .cache_writes
                    .iter()
                    .map(|(l, _)| format!("\"{l}\""))
                    .collect();
                Error::invalid(
                    "cacheWriteTtl",
                    format!(
                        "cache writes of {wanted} are not priced for this model (priced: {})",
                        priced.join(", ")
                    ),
                )
            })
    }

    /// Every price multiplied by `millionths / 10^6`.
    fn scaled(&self, millionths: u64) -> Prices {
        let s = |p: Price| p.scaled(millionths);
        Prices {
            input: s(self.input),
            output: s(self.output),
            cached_input: self.cached_input.map(s),
            cache_writes: self.cache_writes.iter().map(|&(l, p)| (l, s(p))).collect(),
            batch_input: self.batch_input.map(s),
            batch_output: self.batch_output.map(s),
        }
    }
}

/// Prices that replace the standard ones for the whole request when its
/// input passes `above_input_tokens` (Gemini Pro above 200K ...).
#[derive(Clone, Debug, PartialEq)]
pub struct Tier {
    pub above_input_tokens: u64,
    pub prices: Prices,
}

/// A named way of buying the same model: its own prices, or a multiplier of
/// the standard ones (a regional or data-residency uplift).
#[derive(Clone, Debug, PartialEq)]
pub enum ServiceTier {
    Prices {
        prices: Prices,
        tiers: Vec<Tier>,
    },
    /// Millionths: 1_100_000 is x1.1.
    Multiplier(u64),
}

/// Prices in force during part of each day (UTC), such as DeepSeek's peak
/// hours on weekdays. `end` is exclusive and may be smaller than `start`
/// (the window then wraps midnight, and belongs to the day it starts on).
#[derive(Clone, Debug, PartialEq)]
pub struct TimeWindow {
    pub name: String,
    /// Minutes since UTC midnight.
    pub start: u32,
    pub end: u32,
    /// The UTC weekdays it applies on, bit 0 Monday to bit 6 Sunday.
    pub days: u8,
    pub prices: Prices,
}

/// Every day of the week.
pub const ALL_DAYS: u8 = 0b111_1111;

impl TimeWindow {
    /// Whether the window is open at `at`.
    pub fn contains(&self, at: Instant) -> bool {
        let minute = at.minute_of_day();
        let weekday = at.weekday();
        let on = |day: u32| self.days & (1 << day) != 0;
        if self.start <= self.end {
            on(weekday) && (self.start..self.end).contains(&minute)
        } else if minute >= self.start {
            on(weekday)
        } else {
            // After midnight: the part of yesterday's window.
            on((weekday + 6) % 7) && minute < self.end
        }
    }
}

/// One list of prices, in force from `from` until `until` (exclusive).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PriceList {
    pub from: Option<Day>,
    pub until: Option<Day>,
    pub prices: Prices,
    pub tiers: Vec<Tier>,
    pub service_tiers: Vec<(String, ServiceTier)>,
    pub time_windows: Vec<TimeWindow>,
}

/// The prices that apply to one request, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub prices: Prices,
    /// The long-context tier that applied, by its threshold.
    pub tier_above_input_tokens: Option<u64>,
    /// The time window that applied.
    pub time_window: Option<String>,
    pub service_tier: Option<String>,
}

impl PriceList {
    /// A list with plain prices and nothing else.
    pub fn flat(prices: Prices) -> PriceList {
        PriceList {
            prices,
            ..PriceList::default()
        }
    }

    /// Whether the list is in force on `day`.
    pub fn covers(&self, day: Day) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day < u)
    }

    /// The prices for a request with `input_tokens` of input, made at `at`,
    /// bought as `service_tier` (`None`: standard).
    pub fn apply(
        &self,
        input_tokens: u64,
        at: Instant,
        service_tier: Option<&str>,
    ) -> Result<Applied> {
        let window = self.time_windows.iter().find(|w| w.contains(at));
        let standard = window.map_or(&self.prices, |w| &w.prices);
        let (mut prices, tier) = pick_tier(standard, &self.tiers, input_tokens);
        if let Some(name) = service_tier {
            match self.service_tier(name)? {
                ServiceTier::Multiplier(m) => prices = prices.scaled(*m),
                ServiceTier::Prices { prices: own, tiers } => {
                    let (p, _) = pick_tier(own, tiers, input_tokens);
                    prices = p;
                }
            }
        }
        Ok(Applied {
            prices,
            tier_above_input_tokens: tier,
            time_window: window.map(|w| w.name.clone()),
            service_tier: service_tier.map(str::to_string),
        })
    }

    fn service_tier(&self, name: &str) -> Result<&ServiceTier> {
        self.service_tiers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t)
            .ok_or_else(|| {
                let known: Vec<String> = self
                    .service_tiers
                    .iter()
                    .map(|(n, _)| format!("\"{n}\""))
                    .collect();
                Error::field(
                    ErrorCode::InvalidArgument,
                    "serviceTier",
                    if known.is_empty() {
                        format!("{name:?} is not a service tier of this model (it has none)")
                    } else {
                        format!(
                            "{name:?} is not a service tier of this model (known: {})",
                            known.join(", ")
                        )
                    },
                )
            })
    }

    /// The names of the service tiers, for listings.
    pub fn service_tier_names(&self) -> impl Iterator<Item = &str> {
        self.service_tiers.iter().map(|(n, _)| n.as_str())
    }
}

/// The highest tier `input_tokens` passes, else the standard prices.
fn pick_tier(standard: &Prices, tiers: &[Tier], input_tokens: u64) -> (Prices, Option<u64>) {
    tiers
        .iter()
        .filter(|t| input_tokens > t.above_input_tokens)
        .max_by_key(|t| t.above_input_tokens)
        .map_or((standard.clone(), None), |t| {
            (t.prices.clone(), Some(t.above_input_tokens))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_parse_and_print_in_their_shortest_form() {
        for (text, minutes, shown) in [
            ("5m", 5, "5m"),
            ("1h", 60, "1h"),
            ("60m", 60, "1h"),
            ("30m", 30, "30m"),
            ("12h", 720, "12h"),
            ("1d", 1440, "24h"),
        ] {
            let l = Lifetime::parse(text, "ttl").unwrap();
            assert_eq!(l.minutes(), minutes);
            assert_eq!(l.to_string(), shown);
        }
        for bad in ["", "m", "5", "0m", "5s", "-5m", "32d", "1.5h", "999999m"] {
            assert!(Lifetime::parse(bad, "ttl").is_err(), "{bad}");
        }
    }

    fn at(s: &str) -> Instant {
        Instant::parse(s, "at").unwrap()
    }

    #[test]
    fn a_window_that_wraps_midnight() {
        let w = TimeWindow {
            name: "off-peak".into(),
            start: 16 * 60 + 30,
            end: 30,
            days: ALL_DAYS,
            prices: Prices::default(),
        };
        assert!(w.contains(at("2026-12-07T16:30:00Z")));
        assert!(w.contains(at("2026-12-07T23:59:59Z")));
        assert!(w.contains(at("2026-12-08T00:00:00Z")));
        assert!(w.contains(at("2026-12-08T00:29:59Z")));
        assert!(!w.contains(at("2026-12-08T00:30:00Z")));
        assert!(!w.contains(at("2026-12-07T16:29:59Z")));
    }

    #[test]
    fn a_weekday_window_belongs_to_the_day_it_starts_on() {
        // Friday 23:00 to 01:00: open into Saturday's first hour, not
        // Sunday night's.
        let w = TimeWindow {
            name: "late".into(),
            start: 23 * 60,
            end: 60,
            days: 1 << 4,
            prices: Prices::default(),
        };
        assert!(w.contains(at("2026-12-11T23:30:00Z")), "Friday night");
        assert!(
            w.contains(at("2026-12-12T00:30:00Z")),
            "Saturday, after midnight"
        );
        assert!(!w.contains(at("2026-12-12T23:30:00Z")), "Saturday night");
        assert!(
            !w.contains(at("2026-12-11T00:30:00Z")),
            "Friday, after Thursday's midnight"
        );
    }

    #[test]
    fn a_multiplier_is_exact() {
        assert_eq!(Price(3_000_000).scaled(1_100_000), Price(3_300_000));
        assert_eq!(Price(1).scaled(1_500_000), Price(2));
    }
}
