//! From a model id to the tokenizer that counts for it.
//!
//! OpenAI's names resolve through tiktoken's own model map first (so a
//! dated or fine-tuned id such as `ft:gpt-4o:org::id` is exact even when
//! no catalogue lists it); every other model through its catalogue entry,
//! which says whether its count is exact or a stated estimate.

use super::{Catalogue, TokenizerSpec};
use crate::encodings::{openai_encoding_for_model, Encoding};
use crate::error::{Error, ErrorCode, Result};
use crate::tokens::{Tokenizer, TokenizerInfo};

impl Catalogue {
    /// How `model`'s tokens are counted.
    pub fn tokenizer_info(&self, model: &str) -> Result<TokenizerInfo> {
        if let Some(encoding) = openai_encoding_for_model(model) {
            return Ok(TokenizerInfo::exact(encoding));
        }
        let entry = self.model(model)?;
        if let Some(encoding) = entry.tokenizer.bundled_exact() {
            return Ok(TokenizerInfo::exact(encoding));
        }
        Ok(match &entry.tokenizer {
            TokenizerSpec::Exact(encoding) => TokenizerInfo::exact(*encoding),
            TokenizerSpec::Estimate {
                encoding,
                factor_per_mille,
                method,
                exact,
                ..
            } => TokenizerInfo {
                encoding: *encoding,
                exact: false,
                method: method.clone(),
                factor_per_mille: *factor_per_mille,
                exact_elsewhere: *exact,
            },
        })
    }

    /// The tokenizer of `model`. An encoding this build lacks is reported
    /// at `model`: the caller named a model, not an encoding.
    pub fn tokenizer(&self, model: &str) -> Result<Tokenizer> {
        Tokenizer::from_info(&self.tokenizer_info(model)?).map_err(|e| e.at_field("model"))
    }

    /// The `{ model?, encoding? }` pair every counting call takes: the
    /// model's tokenizer, else the encoding, else
    /// [`DEFAULT_ENCODING`](crate::tokens::DEFAULT_ENCODING).
    /// Both given and disagreeing is an error rather than a silent choice.
    pub fn resolve_tokenizer(
        &self,
        model: Option<&str>,
        encoding: Option<&str>,
    ) -> Result<Tokenizer> {
        let Some(model) = model else {
            return Tokenizer::for_encoding(encoding);
        };
        match encoding.map(Encoding::from_name).transpose()? {
            Some(encoding) => {
                let info = self.tokenizer_info(model)?;
                if info.encoding != encoding || !info.exact {
                    return Err(Error::invalid(
                        "encoding",
                        format!(
                            "{model} counts with {}{}, not {}; pass model or encoding, not both",
                            info.encoding.name(),
                            if info.exact { "" } else { " (estimate)" },
                            encoding.name()
                        ),
                    ));
                }
                Tokenizer::from_info(&info).map_err(|e| e.at_field("model"))
            }
            None => self.tokenizer(model),
        }
    }

    /// The encoding `model` is counted with exactly; an error for a model
    /// whose counts are estimates (it has no encoding of its own to name).
    pub fn encoding_for_model(&self, model: &str) -> Result<Encoding> {
        let info = self.tokenizer_info(model)?;
        if info.exact {
            Ok(info.encoding)
        } else {
            Err(Error::field(
                ErrorCode::UnknownModel,
                "model",
                format!(
                    "tokenmeter does not carry {model}'s tokenizer; it estimates its counts with {} ({})",
                    info.encoding.name(),
                    info.method
                ),
            ))
        }
    }
}
