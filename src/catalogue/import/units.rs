//! Prices read exactly, from the maps' units into the catalogue's.
//!
//! The catalogue keeps integer micro-USD per 1M tokens, which is the same
//! number as pico-USD per token. The maps give USD per token (LiteLLM's
//! numbers, OpenRouter's decimal strings) or USD per 1M tokens (models.dev,
//! genai-prices). Going through `f64` arithmetic would turn `0.0000025 x 1e6`
//! into `2.4999999999999996`; so a price is read as a decimal (a string
//! digit by digit, a JSON number by the shortest decimal that reads back as
//! the same `f64`, which is what JavaScript prints), shifted by a power of
//! ten, and rounded once, half up, to a whole pico-dollar per token.

use serde_json::Value;

/// The unit a map writes its prices in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// USD per token: x 10^12 to pico-USD per token.
    PerToken,
    /// USD per 1M tokens: x 10^6 to micro-USD per 1M tokens.
    PerMillion,
}

impl Scale {
    fn shift(self) -> i32 {
        match self {
            Scale::PerToken => 12,
            Scale::PerMillion => 6,
        }
    }
}

/// A price in the catalogue's unit, and whether reading it rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Converted {
    /// Pico-USD per token (= micro-USD per 1M tokens); negative for a
    /// negative price, which validation then refuses by name.
    pub pico: i128,
    /// The map's figure had more precision than a pico-dollar per token.
    pub rounded: bool,
}

impl Converted {
    /// The figure as the schema writes it, USD per 1M tokens. Exact: a whole
    /// number of micro-dollars up to 2^53 divides by 10^6 and multiplies back
    /// (in `Price::from_usd_per_million`) to the same integer.
    pub fn usd_per_million(self) -> f64 {
        self.pico as f64 / 1e6
    }
}

/// A decimal number: `digits x 10^exp`, with its sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: u128,
    exp: i64,
}

/// More significant digits than this are not a price anyone writes, and
/// would not fit the integer that holds them.
const MAX_DIGITS: usize = 38;

/// Reads a price written as a JSON number or a decimal string. `Ok(None)`
/// for null (no price); an error (the reason, for the report) for anything
/// else that is not a number.
pub fn read(value: &Value, scale: Scale) -> Result<Option<Converted>, String> {
    let text = match value {
        Value::Null => return Ok(None),
        // serde_json writes a float by its shortest round-trip decimal
        // (ryu) and an integer exactly.
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        other => return Err(format!("{} is not a number", describe(other))),
    };
    let decimal = parse(&text).ok_or_else(|| format!("{} is not a number", describe(value)))?;
    scaled(decimal, scale.shift())
        .map(Some)
        .ok_or_else(|| format!("{} is too large to be a price", describe(value)))
}

/// Whether `value` is the number -1 (OpenRouter's "variable price"
/// sentinel), written as a number or a string.
pub fn is_minus_one(value: &Value) -> bool {
    read(value, Scale::PerMillion).ok().flatten()
        == Some(Converted {
            pico: -1_000_000,
            rounded: false,
        })
}

/// A value as a reason quotes it: short, and never a whole object.
pub fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => {
            let cut: String = s.chars().take(40).collect();
            if cut.len() < s.len() {
                format!("{cut:?}...")
            } else {
                format!("{s:?}")
            }
        }
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

/// `[-+]digits[.digits][e[-+]digits]`, or `.5`, or `5.`: what JSON and
/// JavaScript write. No spaces, no `NaN`, no hex.
fn parse(text: &str) -> Option<Decimal> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, text.get(1..)?),
        b'+' => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (rest.get(..at)?, Some(rest.get(at + 1..)?)),
        None => (rest, None),
    };
    let (whole, fraction) = match mantissa.find('.') {
        Some(at) => (mantissa.get(..at)?, mantissa.get(at + 1..)?),
        None => (mantissa, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let mut exp: i64 = match exponent {
        None => 0,
        Some(e) => {
            let body = e.strip_prefix(['-', '+']).unwrap_or(e);
            if body.is_empty() || body.len() > 18 || !all_digits(body) {
                return None;
            }
            e.parse().ok()?
        }
    };
    exp -= fraction.len() as i64;
    let significant = format!("{whole}{fraction}");
    let significant = significant.trim_start_matches('0');
    // Trailing zeros move into the exponent, so that 0.000002500000 has the
    // digits of 2.5e-6.
    let trimmed = significant.trim_end_matches('0');
    exp += (significant.len() - trimmed.len()) as i64;
    if trimmed.len() > MAX_DIGITS {
        return None;
    }
    let digits = if trimmed.is_empty() {
        0
    } else {
        trimmed.parse().ok()?
    };
    Some(Decimal {
        negative,
        digits,
        exp,
    })
}

/// `decimal x 10^shift` as an integer, rounded half up (half away from
/// zero for a negative price, which is refused later anyway); `None` past
/// what an `i128` holds.
fn scaled(decimal: Decimal, shift: i32) -> Option<Converted> {
    let e = decimal.exp + i64::from(shift);
    let (magnitude, rounded) = if decimal.digits == 0 {
        (0u128, false)
    } else if e >= 0 {
        let factor = 10u128.checked_pow(u32::try_from(e).ok()?)?;
        (decimal.digits.checked_mul(factor)?, false)
    } else {
        let down = u32::try_from(-e).ok()?;
        match 10u128.checked_pow(down) {
            Some(divisor) => {
                let (q, r) = (decimal.digits / divisor, decimal.digits % divisor);
                // r >= divisor / 2, without overflow: divisor is even here.
                (q + u128::from(r >= divisor / 2), r != 0)
            }
            // 10^down > u128::MAX > 2 x digits: below half a unit.
            None => (0, true),
        }
    };
    let value = i128::try_from(magnitude).ok()?;
    Some(Converted {
        pico: if decimal.negative { -value } else { value },
        rounded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pico(v: Value, scale: Scale) -> (i128, bool) {
        let c = read(&v, scale).unwrap().unwrap();
        (c.pico, c.rounded)
    }

    #[test]
    fn per_token_figures_convert_without_float_error() {
        use Scale::PerToken;
        assert_eq!(pico(json!(1e-7), PerToken), (100_000, false));
        assert_eq!(pico(json!(2.5e-06), PerToken), (2_500_000, false));
        assert_eq!(pico(json!("0.00000015"), PerToken), (150_000, false));
        assert_eq!(pico(json!("0.0000025"), PerToken), (2_500_000, false));
        assert_eq!(pico(json!(0.0000025), PerToken), (2_500_000, false));
        assert_eq!(pico(json!(3e-5), PerToken), (30_000_000, false));
        assert_eq!(pico(json!(0), PerToken), (0, false));
        assert_eq!(pico(json!("0"), PerToken), (0, false));
        assert_eq!(pico(json!(".5e-6"), PerToken), (500_000, false));
        assert_eq!(pico(json!("5.E-7"), PerToken), (500_000, false));
        assert_eq!(pico(json!("+1e-6"), PerToken), (1_000_000, false));
    }

    #[test]
    fn more_precision_than_a_pico_dollar_rounds_half_up_once() {
        use Scale::PerToken;
        // Ten decimals of a dollar per million tokens past the catalogue's six.
        assert_eq!(
            pico(json!("0.0000012345678901"), PerToken),
            (1_234_568, true)
        );
        assert_eq!(pico(json!("0.0000000000005"), PerToken), (1, true));
        assert_eq!(pico(json!("0.00000000000049999"), PerToken), (0, true));
        assert_eq!(pico(json!("0.0000000000015"), PerToken), (2, true));
        assert_eq!(pico(json!("1e-30"), PerToken), (0, true));
        assert_eq!(pico(json!(1.234567891e-6), PerToken), (1_234_568, true));
        // Half away from zero below it: the sign does not change the digits.
        assert_eq!(pico(json!("-0.0000000000005"), PerToken), (-1, true));
    }

    #[test]
    fn per_million_figures_keep_six_decimals() {
        use Scale::PerMillion;
        assert_eq!(pico(json!(2.5), PerMillion), (2_500_000, false));
        assert_eq!(pico(json!(0.075), PerMillion), (75_000, false));
        assert_eq!(pico(json!(0.1234565), PerMillion), (123_457, true));
        assert_eq!(pico(json!(1e6), PerMillion), (1_000_000_000_000, false));
        assert_eq!(pico(json!(3), PerMillion), (3_000_000, false));
    }

    #[test]
    fn negatives_come_through_for_validation_to_refuse() {
        assert_eq!(
            pico(json!(-1), Scale::PerToken),
            (-1_000_000_000_000, false)
        );
        assert!(is_minus_one(&json!("-1")));
        assert!(is_minus_one(&json!(-1)));
        assert!(is_minus_one(&json!(-1.0)));
        assert!(!is_minus_one(&json!("-0.1")));
        assert!(!is_minus_one(&json!("1")));
    }

    #[test]
    fn null_is_no_price_and_anything_else_is_a_reason() {
        assert_eq!(read(&json!(null), Scale::PerToken), Ok(None));
        for bad in [
            json!("abc"),
            json!(""),
            json!("1e"),
            json!("."),
            json!("-"),
            json!(" 1"),
            json!("NaN"),
            json!("Infinity"),
            json!("0x10"),
            json!("1.2.3"),
            json!(true),
            json!([1]),
            json!({ "usd": 1 }),
        ] {
            let e = read(&bad, Scale::PerToken).unwrap_err();
            assert!(e.contains("not a number"), "{bad}: {e}");
        }
        for huge in ["1e300", "1e1234567"] {
            let e = read(&json!(huge), Scale::PerToken).unwrap_err();
            assert!(e.contains("too large"), "{e}");
        }
        assert_eq!(pico(json!("1e-1234567"), Scale::PerToken), (0, true));
        let long = format!("0.{}1", "1".repeat(40));
        assert!(read(&json!(long), Scale::PerToken).is_err());
    }

    #[test]
    fn the_schema_figure_reads_back_to_the_same_integer() {
        use crate::catalogue::Price;
        for pico in [
            0i128,
            1,
            7,
            150_000,
            2_500_000,
            1_234_568,
            999_999_999_999,
            1_000_000_000_000,
        ] {
            let c = Converted {
                pico,
                rounded: false,
            };
            let back = Price::from_usd_per_million(c.usd_per_million(), "p").unwrap();
            assert_eq!(i128::from(back.0), pico);
        }
    }
}
