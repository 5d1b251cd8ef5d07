//! The one error type of tokenmeter.
//!
//! Every fallible call returns [`Result`]. Inside wasm a panic traps and leaves
//! the instance unusable, so nothing that input can reach panics: bad input is
//! an [`Error`] with a stable [`ErrorCode`] and a message that names the field.

use std::fmt;

/// Stable, documented error codes. Their `as_str` spellings are part of the
/// public API (they become `err.code` in JavaScript): never rename one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A value has the wrong type, is out of range, or is malformed.
    InvalidArgument,
    /// A model id that neither the catalogue nor the tokenizer map knows.
    UnknownModel,
    /// An encoding name that tiktoken does not define.
    UnknownEncoding,
    /// A known encoding whose rank table this build does not carry.
    EncodingNotBundled,
    /// A part of the API this build leaves out (an npm entry point kept
    /// small); another build carries it.
    FeatureNotBundled,
    /// A token id outside the encoding's vocabulary.
    InvalidToken,
    /// The request cannot fit the model's context window.
    ContextOverflow,
    /// The spend would pass a budget.
    BudgetExceeded,
    /// A catalogue (models JSON) that does not validate; nothing was loaded.
    InvalidCatalogue,
    /// A serialized ledger that does not validate; nothing was loaded.
    InvalidLedger,
    /// A streamed reply that is neither server-sent events nor JSON, or
    /// whose usage can be neither read nor counted.
    InvalidStream,
    /// A budget reservation that is not open (settled, released, expired or
    /// never made).
    UnknownReservation,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::UnknownModel => "UNKNOWN_MODEL",
            ErrorCode::UnknownEncoding => "UNKNOWN_ENCODING",
            ErrorCode::EncodingNotBundled => "ENCODING_NOT_BUNDLED",
            ErrorCode::FeatureNotBundled => "FEATURE_NOT_BUNDLED",
            ErrorCode::InvalidToken => "INVALID_TOKEN",
            ErrorCode::ContextOverflow => "CONTEXT_OVERFLOW",
            ErrorCode::BudgetExceeded => "BUDGET_EXCEEDED",
            ErrorCode::InvalidCatalogue => "INVALID_CATALOGUE",
            ErrorCode::InvalidLedger => "INVALID_LEDGER",
            ErrorCode::InvalidStream => "INVALID_STREAM",
            ErrorCode::UnknownReservation => "UNKNOWN_RESERVATION",
        }
    }
}

/// An error with a stable code, the field it concerns (a path such as
/// `messages[2].content`), and a message meant for the person who passed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    field: Option<String>,
    message: String,
    /// The encoding an `ENCODING_NOT_BUNDLED` error is about, for a caller
    /// that knows which builds carry it (the binding names the entry point).
    encoding: Option<&'static str>,
    /// The cargo feature a `FEATURE_NOT_BUNDLED` error is about, likewise.
    feature: Option<&'static str>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            field: None,
            message: message.into(),
            encoding: None,
            feature: None,
        }
    }

    /// An error about one field; the message is prefixed with the field's path.
    pub fn field(code: ErrorCode, field: impl Into<String>, message: impl fmt::Display) -> Self {
        let field = field.into();
        Error {
            code,
            message: format!("{field}: {message}"),
            field: Some(field),
            encoding: None,
            feature: None,
        }
    }

    /// Shorthand for the most common case, an `INVALID_ARGUMENT` about a field.
    pub fn invalid(field: impl Into<String>, message: impl fmt::Display) -> Self {
        Self::field(ErrorCode::InvalidArgument, field, message)
    }

    /// The same error about another field, the message's prefix included:
    /// for a caller that knows which of its own inputs the value came from
    /// (the binding's `options.model` for the `model` the Rust API was given).
    pub fn at_field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        let rest = match &self.field {
            Some(old) => self
                .message
                .strip_prefix(old.as_str())
                .and_then(|r| r.strip_prefix(": "))
                .unwrap_or(&self.message),
            None => &self.message,
        };
        self.message = format!("{field}: {rest}");
        self.field = Some(field);
        self
    }

    /// The same error with its field inside `parent` (`id` becomes
    /// `specs[2].id`), unless it is there already; an error about no field
    /// is then about `parent`.
    pub fn under(self, parent: &str) -> Self {
        match self.field.clone() {
            Some(f)
                if f == parent
                    || f.starts_with(&format!("{parent}."))
                    || f.starts_with(&format!("{parent}[")) =>
            {
                self
            }
            Some(f) => self.at_field(format!("{parent}.{f}")),
            None => self.at_field(parent),
        }
    }

    /// The same error under another code (a catalogue's field errors are
    /// `INVALID_CATALOGUE`), field and message kept.
    pub fn with_code(mut self, code: ErrorCode) -> Self {
        self.code = code;
        self
    }

    /// The same error, about `encoding` (see [`Error::encoding`]).
    pub fn about_encoding(mut self, encoding: &'static str) -> Self {
        self.encoding = Some(encoding);
        self
    }

    /// A `FEATURE_NOT_BUNDLED` error: `what`, asked for at `field`, needs the
    /// cargo `feature`, which this build was compiled without.
    pub fn feature_not_bundled(
        field: impl Into<String>,
        what: &str,
        feature: &'static str,
    ) -> Self {
        let mut e = Self::field(
            ErrorCode::FeatureNotBundled,
            field,
            format!("{what} is not in this build (in Rust, the `{feature}` feature)"),
        );
        e.feature = Some(feature);
        e
    }

    /// The cargo feature a `FEATURE_NOT_BUNDLED` error is about.
    pub fn feature(&self) -> Option<&'static str> {
        self.feature
    }

    /// The encoding an `ENCODING_NOT_BUNDLED` error is about.
    pub fn encoding(&self) -> Option<&'static str> {
        self.encoding
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn field_name(&self) -> Option<&str> {
        self.field.as_deref()
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

/// The known names closest to `wanted`, for "did you mean" hints in
/// `UNKNOWN_MODEL` and `UNKNOWN_ENCODING` messages.
pub fn near_matches<'a>(wanted: &str, known: impl Iterator<Item = &'a str>) -> Vec<String> {
    let wanted = wanted.to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = known
        .map(|k| (edit_distance(&wanted, &k.to_ascii_lowercase()), k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(2) || k.contains(wanted.as_str()))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, k)| k.to_string())
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    // Model ids are short; guard against a hostile 50 MB "model" anyway.
    if a.len() > 256 || b.len() > 256 {
        return usize::MAX;
    }
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// "did you mean" suffix for a message, empty when nothing is close.
pub fn did_you_mean(matches: &[String]) -> String {
    if matches.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", matches.join(", "))
    }
}
