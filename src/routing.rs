//! Model routing made concrete: a transparent heuristic that sends simple
//! prompts to cheap models and complex ones to capable models.
//!
//! It is a heuristic, not a judgement of the prompt: it scores length,
//! task words ("analyze", "debug", "step by step" ...) and code, and says
//! which of those it saw, so that a caller can check or override it.

use crate::catalogue::{Catalogue, Model, Status};
use crate::error::{Error, Result};
use crate::time::Instant;
use crate::tokens::{Tokenizer, DEFAULT_ENCODING};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Complexity {
    Simple,
    Moderate,
    Complex,
}

impl Complexity {
    pub fn as_str(self) -> &'static str {
        match self {
            Complexity::Simple => "simple",
            Complexity::Moderate => "moderate",
            Complexity::Complex => "complex",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    pub model: String,
    pub complexity: Complexity,
    pub score: u32,
    pub signals: Vec<String>,
    pub reason: String,
}

/// Words that signal multi-step reasoning (2 points each, at most 3 counted).
const COMPLEX_WORDS: &[&str] = &[
    "analyze",
    "analyse",
    "analysis",
    "compare",
    "debug",
    "prove",
    "derive",
    "step by step",
    "step-by-step",
    "reason",
    "architecture",
    "design",
    "optimize",
    "optimise",
    "refactor",
    "evaluate",
    "trade-off",
    "tradeoff",
    "critique",
    "strategy",
    "investigate",
    "diagnose",
    "root cause",
    "plan",
];
/// Words that signal a real but routine task (1 point each, at most 2).
const MODERATE_WORDS: &[&str] = &[
    "explain",
    "summarize",
    "summarise",
    "write",
    "draft",
    "translate",
    "rewrite",
    "convert",
    "classify",
    "extract",
    "describe",
    "list",
];

fn contains_word(haystack: &str, word: &str) -> bool {
    haystack.match_indices(word).any(|(i, _)| {
        let before = haystack.get(..i).and_then(|h| h.chars().next_back());
        let after = haystack
            .get(i + word.len()..)
            .and_then(|h| h.chars().next());
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Scores a prompt. Returns the class, the score and the signals seen.
pub fn classify(prompt: &str) -> (Complexity, u32, Vec<String>) {
    let lower = prompt.to_lowercase();
    let mut score = 0;
    let mut signals = Vec::new();
    let complex: Vec<&str> = COMPLEX_WORDS
        .iter()
        .copied()
        .filter(|w| contains_word(&lower, w))
        .collect();
    if !complex.is_empty() {
        score += 2 * complex.len().min(3) as u32;
        signals.push(format!("task words: {}", complex.join(", ")));
    }
    let moderate: Vec<&str> = MODERATE_WORDS
        .iter()
        .copied()
        .filter(|w| contains_word(&lower, w))
        .collect();
    if !moderate.is_empty() {
        score += moderate.len().min(2) as u32;
        signals.push(format!("routine task words: {}", moderate.join(", ")));
    }
    let code = prompt.contains("```")
        || prompt
            .lines()
            .filter(|l| {
                let t = l.trim_end();
                t.ends_with(';')
                    || t.ends_with('{')
                    || t.starts_with("def ")
                    || t.starts_with("fn ")
                    || t.contains("function ")
            })
            .count()
            >= 2;
    if code {
        score += 2;
        signals.push("contains code".to_string());
    }
    let tokens = Tokenizer::new(DEFAULT_ENCODING).map_or(0, |t| t.count_ordinary(prompt));
    if tokens > 2000 {
        score += 2;
        signals.push(format!("long ({tokens} tokens)"));
    } else if tokens > 500 {
        score += 1;
        signals.push(format!("medium length ({tokens} tokens)"));
    }
    if prompt.matches('?').count() > 2 {
        score += 1;
        signals.push("several questions".to_string());
    }
    let class = match score {
        0..=1 => Complexity::Simple,
        2..=3 => Complexity::Moderate,
        _ => Complexity::Complex,
    };
    (class, score, signals)
}

/// A blended price (3 input : 1 output), to rank models by what they cost.
fn blended(m: &Model, at: Instant) -> u128 {
    let p = &m.price_list(at).list.prices;
    3 * u128::from(p.input.0) + u128::from(p.output.0)
}

/// The cheapest candidate of the price tier that matches the prompt's class:
/// candidates (default: every chat and reasoning model of the catalogue in
/// service at `at`) are ranked by blended price and cut into thirds: simple
/// prompts go to the cheapest third, moderate to the middle, complex to the
/// top. A retired model is never suggested, even when named.
pub fn suggest_model(
    catalogue: &Catalogue,
    prompt: &str,
    candidates: Option<&[String]>,
    at: Instant,
) -> Result<Suggestion> {
    let mut models: Vec<&Model> = match candidates {
        Some([]) => return Err(Error::invalid("candidates", "must name at least one model")),
        Some(ids) => ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                catalogue
                    .model(id)
                    .map_err(|e| e.at_field(format!("candidates[{i}]")))
            })
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|m| m.status(at) != Status::Retired)
            .collect(),
        None => catalogue.current_chat_models(at).collect(),
    };
    if models.is_empty() {
        return Err(Error::invalid(
            "candidates",
            "no model in service to choose from (retired models are never suggested)",
        ));
    }
    models.sort_by(|a, b| {
        blended(a, at)
            .cmp(&blended(b, at))
            .then_with(|| a.id.cmp(&b.id))
    });
    let (class, score, signals) = classify(prompt);
    let n = models.len();
    let start = match class {
        Complexity::Simple => 0,
        Complexity::Moderate => n / 3,
        Complexity::Complex => (2 * n) / 3,
    };
    let chosen = models
        .get(start.min(n - 1))
        .ok_or_else(|| Error::invalid("candidates", "empty"))?;
    let tier = match class {
        Complexity::Simple => "cheapest third",
        Complexity::Moderate => "middle third",
        Complexity::Complex => "most capable (dearest) third",
    };
    let reason = format!(
        "{} prompt (score {score}{}{}): the cheapest of the {tier} of {n} candidates by price",
        class.as_str(),
        if signals.is_empty() { "" } else { "; " },
        signals.join("; "),
    );
    Ok(Suggestion {
        model: chosen.id.clone(),
        complexity: class,
        score,
        signals,
        reason,
    })
}
