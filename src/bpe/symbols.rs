//! The markers in a rank table's left column, for build.rs, which writes the
//! tables (it includes this file), and for src/bpe/table.rs, which reads them: one
//! definition, so the two cannot disagree. Every other left symbol is a
//! rank's value code (build.rs `value_code`), which stays below them.

/// The token is one byte, which the right column holds.
pub const BYTE: u8 = 255;
/// No ordinary token has this rank (a special token's).
pub const HOLE: u8 = 254;
/// The token's bytes are stored as they are; the right column holds their
/// number.
pub const LITERAL: u8 = 253;
/// The token is the base table's (o200k's) token whose rank the right
/// column holds.
pub const REF: u8 = 252;
