//! What an imported entry does not say and the catalogue needs: which of the
//! catalogue's providers it belongs to, how its tokens are counted, and how
//! long its priced cache writes live.
//!
//! The maps name providers their own way (`together_ai`, `togetherai`,
//! `x-ai`); the tables here map the ones the catalogue has a block for.
//! Entries of any other host keep the host's name as their provider.

use crate::catalogue::model::{EstimateProfile, Model, TokenizerSpec};
use crate::catalogue::schema::RawTokenizer;
use crate::catalogue::Catalogue;
use crate::encodings::openai_encoding_for_model;

/// The catalogue's provider for a map's provider name, for the providers
/// whose API ids the catalogue uses as its own (first-party APIs, and the
/// hosts it has a block for). `names` pairs each format's spelling with the
/// catalogue's id.
pub fn catalogue_provider(name: &str, names: &[(&str, &'static str)]) -> Option<&'static str> {
    names
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, id)| *id)
}

/// The lifetime a single cache-write price buys, by provider: what a map's
/// one `cache_write` figure means. Anthropic's default cache lives 5
/// minutes; OpenAI's shortest priced write 30 minutes (the catalogue's own
/// figures); Gemini's explicit cache defaults to an hour. Elsewhere it is
/// not known, and `None` makes the caller say so.
pub fn default_write_lifetime(provider: &str) -> Option<&'static str> {
    match provider {
        "anthropic" => Some("5m"),
        "openai" => Some("30m"),
        "google" => Some("1h"),
        _ => None,
    }
}

/// Whether an id names a dated snapshot: `-20250929`, `-2024-08-06`,
/// `@20251101`, or a four-digit `-0613` (MMDD) at the end.
pub fn is_dated(id: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let Some((head, last)) = id.rsplit_once(['-', '@']) else {
        return false;
    };
    if digits(last, 8) || (digits(last, 4) && !id.ends_with(&format!("@{last}"))) {
        return true;
    }
    // YYYY-MM-DD: the day, then the month and the year before it.
    let mut rest = head;
    for width in [2, 4] {
        match rest.rsplit_once('-') {
            Some((h, part)) if digits(part, width) => rest = h,
            _ => return false,
        }
    }
    digits(last, 2)
}

/// The id without a trailing date or version (`claude-sonnet-4-5-20250929`
/// to `claude-sonnet-4-5`, `gemini-2.0-flash-001` to `gemini-2.0-flash`),
/// for finding the model it is a snapshot of.
fn undated(id: &str) -> Option<&str> {
    let cut = |s: &str| -> Option<usize> {
        let (head, tail) = s.rsplit_once(['-', '@'])?;
        let numeric = !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit());
        (numeric && matches!(tail.len(), 3 | 4 | 8) || tail == "latest").then_some(head.len())
    };
    if let Some(at) = cut(id) {
        return id.get(..at);
    }
    // YYYY-MM-DD: three numeric parts.
    let mut head = id;
    for width in [2, 2, 4] {
        let (h, t) = head.rsplit_once('-')?;
        if t.len() != width || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        head = h;
    }
    Some(head)
}

/// A tokenizer for an imported model, and the profile it names.
pub struct Inferred {
    pub raw: RawTokenizer,
    /// The catalogue's estimate profile, set on the validated model.
    pub profile: Option<String>,
}

/// How an imported model's tokens are counted, from what is known of it:
///
/// 1. the catalogue's own tokenizer for the model it replaces, or for the
///    model its undated id names (a snapshot counts as its model does);
/// 2. tiktoken's model map (exact: OpenAI's models, gpt-oss);
/// 3. the family its id names, through the catalogue's estimate profiles
///    (Claude by generation, Gemini, Llama 3 or 4, Qwen, ...);
/// 4. its provider's usual profile;
/// 5. else an o200k_base count, unadjusted.
///
/// Everything but an exact encoding is an estimate whose method starts
/// "inferred on import", so that a reader of `tokenizerInfo` sees that
/// nobody measured it.
pub fn tokenizer(
    catalogue: &Catalogue,
    id: &str,
    provider: &str,
    existing: Option<&Model>,
) -> Inferred {
    let known = existing.or_else(|| undated(id).and_then(|base| catalogue.get(base)));
    if let Some(m) = known {
        return from_model(m);
    }
    let last = id.rsplit('/').next().unwrap_or(id);
    if let Some(e) = openai_encoding_for_model(last) {
        return Inferred {
            raw: RawTokenizer {
                encoding: Some(e.name().to_string()),
                ..RawTokenizer::default()
            },
            profile: None,
        };
    }
    if provider == "openai" && family(last).is_none() {
        return Inferred {
            raw: inline(
                "o200k_base",
                1000,
                format!("inferred on import: {id} is an OpenAI model outside tiktoken's map; counted with o200k_base, the encoding of OpenAI's models since GPT-4o"),
            ),
            profile: None,
        };
    }
    let (profile, why) = match family(last) {
        Some(p) => (Some(p), format!("the model family in its id ({last})")),
        None => (by_provider(provider), format!("its provider ({provider})")),
    };
    match profile.and_then(|p| estimate_profile(catalogue, p)) {
        Some(p) => Inferred {
            raw: inline(p.proxy.name(), p.factor_per_mille, format!("inferred on import from {why}: the {} profile, {}", p.name, p.method)),
            profile: Some(p.name.clone()),
        },
        None => Inferred {
            raw: inline(
                "o200k_base",
                1000,
                format!("inferred on import: no tokenizer is known for {id}; an o200k_base count, not adjusted"),
            ),
            profile: None,
        },
    }
}

fn inline(encoding: &str, factor_per_mille: u32, method: String) -> RawTokenizer {
    RawTokenizer {
        estimate: Some(encoding.to_string()),
        factor: Some(f64::from(factor_per_mille) / 1000.0),
        method: Some(method),
        ..RawTokenizer::default()
    }
}

/// The catalogue's tokenizer for `m`, as an imported model states it.
fn from_model(m: &Model) -> Inferred {
    match &m.tokenizer {
        TokenizerSpec::Exact(e) => Inferred {
            raw: RawTokenizer {
                encoding: Some(e.name().to_string()),
                ..RawTokenizer::default()
            },
            profile: None,
        },
        TokenizerSpec::Estimate {
            encoding,
            factor_per_mille,
            method,
            profile,
            exact,
        } => Inferred {
            raw: RawTokenizer {
                encoding: exact.map(|e| e.name().to_string()),
                ..inline(
                    encoding.name(),
                    *factor_per_mille,
                    format!(
                        "inferred on import: as the catalogue counts {}: {method}",
                        m.id
                    ),
                )
            },
            profile: profile.clone(),
        },
    }
}

/// The profile by the target catalogue's name, else the bundled one's (a
/// catalogue built from other data may have none).
fn estimate_profile<'a>(catalogue: &'a Catalogue, name: &str) -> Option<&'a EstimateProfile> {
    catalogue
        .estimates
        .get(name)
        .or_else(|| Catalogue::bundled().estimates.get(name))
}

/// The profile a model family's id points to.
fn family(id: &str) -> Option<&'static str> {
    let id = id.to_ascii_lowercase();
    let has = |s: &str| id.contains(s);
    if has("claude") {
        return Some(claude_generation(&id));
    }
    let table: [(&[&str], &'static str); 13] = [
        (&["gemma"], "gemma"),
        (&["gemini"], "gemini"),
        (&["grok"], "grok"),
        (&["llama-4", "llama4"], "llama4"),
        (&["llama-3", "llama3"], "llama3"),
        (&["llama-2", "llama2"], "llama2-sentencepiece"),
        (&["qwen", "qwq"], "qwen"),
        (&["deepseek"], "deepseek"),
        (
            &[
                "mistral",
                "mixtral",
                "ministral",
                "magistral",
                "codestral",
                "devstral",
                "pixtral",
            ],
            "mistral-tekken",
        ),
        (&["kimi", "moonshot"], "kimi"),
        (&["glm"], "glm"),
        (&["nemotron"], "nemotron"),
        (&["granite"], "granite"),
    ];
    table
        .iter()
        .find(|(needles, _)| needles.iter().any(|n| has(n)))
        .map(|(_, p)| *p)
}

/// Claude's tokenizer changed with Opus 4.7, Sonnet 5, Haiku 5.5, Fable and
/// Mythos (data/README.md, "Tokenizer estimates"): those and later use the
/// `claude-2026` profile, the earlier ones `claude-2025`. The old naming
/// (`claude-3-5-sonnet`, `claude-2.1`, `claude-instant`) is all before it;
/// a family the rule does not know is taken as new.
fn claude_generation(id: &str) -> &'static str {
    if id.contains("fable") || id.contains("mythos") {
        return "claude-2026";
    }
    let old_naming = id.split("claude-").nth(1).is_some_and(|rest| {
        rest.starts_with("instant") || rest.bytes().next().is_some_and(|b| b.is_ascii_digit())
    });
    if old_naming {
        return "claude-2025";
    }
    let version = |name: &str| -> Option<(u32, u32)> {
        let rest = id.split(&format!("{name}-")).nth(1)?;
        let mut parts = rest.split(['-', '.', '@']);
        let major: u32 = parts.next()?.parse().ok()?;
        let minor = parts
            .next()
            .filter(|p| p.len() <= 2)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        Some((major, minor))
    };
    let known = [("opus", (4, 7)), ("sonnet", (5, 0)), ("haiku", (5, 5))];
    let versions: Vec<bool> = known
        .iter()
        .filter_map(|(name, from)| version(name).map(|v| v >= *from))
        .collect();
    match versions.first() {
        Some(false) => "claude-2025",
        _ => "claude-2026",
    }
}

fn by_provider(provider: &str) -> Option<&'static str> {
    match provider {
        // Of an Anthropic model the id did not date: the newer tokenizer,
        // which counts more (a larger estimate is the safer one).
        "anthropic" => Some("claude-2026"),
        "google" => Some("gemini"),
        "xai" => Some("grok"),
        "deepseek" => Some("deepseek"),
        "mistral" => Some("mistral-tekken"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_ids() {
        for id in [
            "gpt-4o-2024-08-06",
            "claude-sonnet-4-5-20250929",
            "gpt-3.5-turbo-0613",
            "claude-opus-4-5@20251101",
        ] {
            assert!(is_dated(id), "{id}");
        }
        for id in [
            "gpt-4o",
            "gemini-2.0-flash-001",
            "llama-3.3-70b",
            "o3",
            "mistral-large-2411-x",
        ] {
            assert!(!is_dated(id), "{id}");
        }
    }

    #[test]
    fn undated_ids() {
        assert_eq!(
            undated("claude-sonnet-4-5-20250929"),
            Some("claude-sonnet-4-5")
        );
        assert_eq!(undated("gpt-4o-2024-08-06"), Some("gpt-4o"));
        assert_eq!(undated("gemini-2.0-flash-001"), Some("gemini-2.0-flash"));
        assert_eq!(
            undated("claude-3-5-sonnet-latest"),
            Some("claude-3-5-sonnet")
        );
        assert_eq!(undated("gpt-4o"), None);
    }

    #[test]
    fn claude_generations() {
        for (id, profile) in [
            ("claude-opus-4-7", "claude-2026"),
            ("claude-opus-4-6", "claude-2025"),
            ("claude-opus-4.8", "claude-2026"),
            ("claude-sonnet-5", "claude-2026"),
            ("claude-sonnet-4-5-20250929", "claude-2025"),
            ("claude-haiku-5-5", "claude-2026"),
            ("claude-haiku-5", "claude-2025"),
            ("claude-3-7-sonnet", "claude-2025"),
            ("claude-fable-6", "claude-2026"),
            ("anthropic.claude-opus-5-v1:0", "claude-2026"),
            ("claude-2.1", "claude-2025"),
            ("claude-instant-1.2", "claude-2025"),
            ("claude-3-haiku-20240307", "claude-2025"),
            ("claude-fixture-5-9", "claude-2026"),
        ] {
            assert_eq!(claude_generation(id), profile, "{id}");
        }
    }
}
