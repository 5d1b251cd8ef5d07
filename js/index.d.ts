// Types of the tokenmeter npm package (every entry point: tokenmeter,
// tokenmeter/o200k, tokenmeter/all). Written by hand; the model-id union comes
// from models.d.ts, which the build derives from data/models.json.

import type { ModelId } from "./models.js";
export type { KnownModel, ModelId } from "./models.js";

// ---- Errors ---------------------------------------------------------------

/** Every error tokenmeter throws has one of these codes. They are stable. */
export type ErrorCode =
  | "INVALID_ARGUMENT" // wrong type, out of range or malformed value; a text or JSON argument over 64 MiB of UTF-8
  | "UNKNOWN_MODEL" // not in the catalogue nor in tiktoken's map (the message lists near matches)
  | "UNKNOWN_ENCODING" // not one of tiktoken's encodings
  | "ENCODING_NOT_BUNDLED" // a real encoding this entry point does not carry (use tokenmeter/all)
  | "INVALID_TOKEN" // a token id outside the encoding's vocabulary
  | "CONTEXT_OVERFLOW" // the request cannot fit the model's window
  | "BUDGET_EXCEEDED" // a preflight problem and the Worker example's 429; no function throws it
  | "INVALID_CATALOGUE" // registerModels specs that do not validate; nothing was changed
  | "INVALID_LEDGER"; // BudgetLedger.fromJSON input that does not validate; nothing was loaded

/** The shape of every thrown error: a real `Error` with a code and the field. */
export interface TokenmeterError extends Error {
  name: "TokenmeterError";
  code: ErrorCode;
  /** The path of the offending field, e.g. `messages[2].content`, or null. */
  field: string | null;
}

/** Resolves when the module is ready. Already resolved in Node and Workers. */
export const ready: Promise<void>;

/**
 * wasm-bindgen's synchronous initialiser, re-exported by every entry point.
 * Not needed to use the package: each entry has already instantiated the
 * module (the browser entry before its import resolves), so a call does
 * nothing but return the instance's exports.
 */
export function initSync(
  module?: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module,
): WebAssembly.Exports;

// ---- Counting -------------------------------------------------------------

export type Encoding = "r50k_base" | "p50k_base" | "p50k_edit" | "cl100k_base" | "o200k_base" | "o200k_harmony";

/** Which tokens to count in: a model's, an encoding's, or (neither) `o200k_base`. Both only if they agree. */
export interface ModelOrEncoding {
  /** Count with this model's tokenizer (an estimate where it is not public). */
  model?: ModelId;
  /** Count with this encoding. Default `o200k_base` when no model is given. */
  encoding?: Encoding;
}

export interface TokenOptions extends ModelOrEncoding {
  /**
   * Special-token texts (`<|endoftext|>` ...) that become special tokens.
   * Default: none, so such text is ordinary text.
   */
  allowedSpecial?: "all" | "none" | string[];
}

/** Tokens of `text`, exactly as tiktoken counts them. */
export function countTokens(text: string, options?: TokenOptions): number;
/** The token ids of `text`. Throws for estimated models (no public ids). */
export function encode(text: string, options?: TokenOptions): Uint32Array;
/** The text of token ids; bytes that are not valid UTF-8 become U+FFFD. */
export function decode(tokens: Uint32Array | number[], options?: TokenOptions): string;
/** The encoding tiktoken uses for an OpenAI model (prefixes and snapshots included). */
export function encodingForModel(model: ModelId): Encoding;
/** The encodings this entry point carries. */
export function bundledEncodings(): Encoding[];

export interface TokenizerInfo {
  encoding: Encoding;
  /** False when the count is an estimate (the model's tokenizer is not public). */
  exact: boolean;
  /** "tiktoken", or how the estimate is made. */
  method: string;
  /** Estimates: the proxy count is multiplied by this and rounded up. */
  factor: number;
}
export function tokenizerInfo(model: ModelId): TokenizerInfo;

/**
 * A tokenizer bound to one model or encoding: for hot paths. Call free() when done, or let GC free it.
 * After free() every member throws INVALID_ARGUMENT; a second free() does nothing.
 */
export class Tokenizer {
  constructor(options?: TokenOptions);
  readonly encoding: Encoding;
  readonly exact: boolean;
  count(text: string): number;
  encode(text: string): Uint32Array;
  decode(tokens: Uint32Array | number[]): string;
  isWithinTokenLimit(text: string, limit: number): number | false;
  free(): void;
}

// ---- Chat -----------------------------------------------------------------

export type ContentPart =
  | { type: "text" | "input_text" | "output_text"; text: string }
  | {
      type: "image_url" | "input_image";
      /** width/height (pixels) are tokenmeter extensions; without them an image counts at its maximum. */
      image_url?: { url?: string; detail?: "low" | "high" | "auto"; width?: number; height?: number };
    };

export interface ToolCall {
  id: string;
  type?: "function";
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool" | (string & {});
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  [key: string]: unknown;
}

export interface Tool {
  type?: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/**
 * Options for counting chat messages. The model is required: the per-message
 * constants and the image rules are the model's, so there is no default.
 */
export interface ChatCountOptions {
  model: ModelId;
  tools?: Tool[];
}

/** Input tokens of an OpenAI-format chat request (cookbook formula; see README "Accuracy"). */
export function countChatTokens(messages: ChatMessage[], options: ChatCountOptions): number;

/**
 * The count if it is at most `limit`, else `false`. Stops early: a 10 MB text
 * over a small limit is not tokenized (nor copied) whole.
 */
export function isWithinTokenLimit(input: string, limit: number, options?: TokenOptions): number | false;
/**
 * `countChatTokens(messages, options)` if it is at most `limit`, else `false`;
 * takes exactly countChatTokens' options (a model is required). Stops early:
 * each message is counted only until the limit is passed, and the messages
 * after it not at all (the array itself is still read in whole).
 */
export function isWithinTokenLimit(input: ChatMessage[], limit: number, options: ChatCountOptions): number | false;

// ---- Catalogue ------------------------------------------------------------

/** USD per 1M tokens. */
export interface Prices {
  input: number;
  output: number;
  cachedInput?: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  batchInput?: number;
  batchOutput?: number;
}

export interface Tier extends Partial<Prices> {
  /** These prices apply to the whole request when its input passes this. */
  aboveInputTokens: number;
}

export interface Model {
  id: string;
  name: string;
  provider: string;
  kind: "chat" | "reasoning" | "embedding" | (string & {});
  aliases: string[];
  snapshots: string[];
  tokenizer:
    | { encoding: Encoding; exact: true }
    | { estimate: Encoding; exact: false; factor: number; method: string };
  contextWindow: number;
  maxOutputTokens: number;
  prices: Prices;
  tiers: Tier[];
  /** Why a figure may be off, where the catalogue is unsure. */
  uncertain?: string;
}

export interface ModelSpec {
  id: string;
  name?: string;
  provider?: string;
  kind?: string;
  aliases?: string[];
  snapshots?: string[];
  tokenizer?: { encoding: Encoding } | { estimate: Encoding; factor?: number; method?: string };
  contextWindow: number;
  maxOutputTokens: number;
  prices: Prices;
  tiers?: Tier[];
  uncertain?: string;
}

export interface Provider {
  id: string;
  name: string;
  /** The date of the prices (YYYY-MM-DD). */
  asOf: string;
  /** The provider's public pricing page. */
  source: string;
}

export function listModels(): Model[];
export function getModel(id: ModelId): Model;
export function listProviders(): Provider[];
/** Adds or replaces models, all or nothing (INVALID_CATALOGUE). Returns their ids. */
export function registerModels(specs: ModelSpec[]): string[];
/** Back to the bundled catalogue. */
export function resetModels(): void;

// ---- Cost -----------------------------------------------------------------

/** Price overrides: the catalogue's field names, plus tiers. */
export type Pricing = Prices & { tiers?: Tier[] };

export interface CostRequest {
  /** Required: a request without a model (such as a usageFromResponse result whose `model` is null) is an INVALID_ARGUMENT at `model`. */
  model: ModelId;
  /** Every prompt token, cache reads and writes included. Or give `text` / `messages`. */
  inputTokens?: number;
  text?: string;
  messages?: ChatMessage[];
  tools?: Tool[];
  /** Every output token, reasoning included. */
  outputTokens?: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  cacheWriteTtl?: "5m" | "1h";
  /** The 1-hour part of cacheWriteTokens (Anthropic reports both). */
  cacheWrite1hTokens?: number | null;
  reasoningTokens?: number;
  batch?: boolean;
  /**
   * Ignored: lets usageFromResponse's result be passed as a request once its
   * model is known, e.g. `if (u.model) estimateCost({ ...u, model: u.model })`
   * (its `model` is null when the reply names none, which estimateCost
   * refuses; BudgetLedger.record takes it as is, with `options.model`).
   */
  format?: string;
}

export interface Cost {
  currency: "USD";
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** Uncached input. */
  input: number;
  cachedInput: number;
  cacheWrite: number;
  /** All output, reasoning included. */
  output: number;
  /** The reasoning part of `output` (already in it). */
  reasoning: number;
  total: number;
  /** The long-context tier that applied, by its threshold, or null. */
  tierAboveInputTokens: number | null;
}

export function estimateCost(request: CostRequest, options?: { pricing?: Pricing }): Cost;

export interface NormalisedUsage {
  format: "openai-chat" | "openai-responses" | "anthropic" | "gemini";
  /** The model the reply names, or null when it names none (Gemini replies often do not). */
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number | null;
  reasoningTokens: number;
}
/** A provider reply's usage (OpenAI Chat/Responses, Anthropic, Gemini) in tokenmeter's conventions. */
export function usageFromResponse(body: unknown): NormalisedUsage;

export interface Workload {
  model: ModelId;
  requestsPerDay?: number;
  dailyUsers?: number;
  messagesPerUser?: number;
  /** Default 30. */
  days?: number;
  /** Average per request; or give `text` / `messages` (each model counts them with its own tokenizer). */
  inputTokens?: number;
  text?: string;
  messages?: ChatMessage[];
  tools?: Tool[];
  outputTokens: number;
  reasoningTokens?: number;
  /** Share (0..1) of requests answered by the application's own cache. */
  appCacheHitRate?: number;
  /** Tokens of the prompt prefix the provider caches. */
  cachedPrefixTokens?: number;
  cacheWriteTtl?: "5m" | "1h";
  /** Default: a write every TTL (288/day for 5m, 24/day for 1h). */
  cacheWritesPerDay?: number;
  /** Share (0..1) of model requests sent through the batch API. */
  batchShare?: number;
  embeddingModel?: ModelId;
  embeddingTokensPerRequest?: number;
  pricing?: Pricing;
}

export interface Projection {
  currency: "USD";
  model: string;
  days: number;
  inputTokens: number;
  requests: number;
  requestsToModel: number;
  llm: { input: number; cachedInput: number; cacheWrite: number; output: number; total: number };
  embeddings: number;
  total: number;
  perRequest: number;
  perDay: number;
  perUser: number | null;
}
export function projectCost(workload: Workload): Projection;

export interface Comparison {
  baseline: string;
  /**
   * Cheapest first. The savings are against the baseline's total, and both
   * are null when the workload does not fit the baseline (savingPercent also
   * when the baseline costs nothing).
   */
  models: (Projection & { savingVsBaseline: number | null; savingPercent: number | null })[];
  /**
   * Models left out, with the reason: the workload does not fit them, or (the
   * default model list only) this entry lacks their encoding to count `text`
   * or `messages` (the reason names the entry that has it).
   */
  skipped: { model: string; reason: string }[];
}
export function compareModels(workload: Workload, options?: { models?: ModelId[]; baseline?: ModelId }): Comparison;

export interface Suggestion {
  model: string;
  complexity: "simple" | "moderate" | "complex";
  score: number;
  signals: string[];
  reason: string;
}
/** A transparent heuristic (length, task words, code) that routes to the cheapest fitting price tier. */
export function suggestModel(prompt: string, options?: { candidates?: ModelId[] }): Suggestion;

// ---- Trimming and chunking --------------------------------------------------

export interface TrimOptions {
  model: ModelId;
  /** Default: the catalogue's context window of `model`. */
  maxContextTokens?: number;
  reserveOutputTokens?: number;
  strategy?: "drop-oldest" | "drop-middle";
  keepSystem?: boolean;
  keepLastUser?: boolean;
  /** Inserted as a system message where the dropped turns were. */
  summary?: string;
  tools?: Tool[];
  onOverflow?: "truncate" | "error";
}
export interface Trimmed {
  /** The kept messages are the objects passed; a truncated one is a copy of its object (`{ ...message }`) with only its text changed; the summary is `{ role: "system", content }`. */
  messages: ChatMessage[];
  inputTokens: number;
  /** Indices (into the input) of the dropped messages. */
  dropped: number[];
  /** Indices of messages whose text was cut. */
  truncated: number[];
  fits: boolean;
}
/** Drops whole turns before the last user message, so the conversation after a drop resumes at a user message; after it, replies one by one. */
export function trimMessages(messages: ChatMessage[], options: TrimOptions): Trimmed;
/** Counts in `model` or `encoding` tokens, `o200k_base` when neither, as countTokens. */
export function truncateText(
  text: string,
  maxTokens: number,
  options?: ModelOrEncoding & { keep?: "start" | "end" | "middle"; marker?: string },
): string;
/** Counts in `model` or `encoding` tokens, `o200k_base` when neither, as countTokens. */
export function selectChunks(
  chunks: string[],
  options: ModelOrEncoding & { budget: number; separator?: string; mode?: "in-order" | "skip-oversize" },
): { indices: number[]; tokens: number };
/** Counts in `model` or `encoding` tokens, `o200k_base` when neither, as countTokens. */
export function splitByTokens(text: string, options: ModelOrEncoding & { chunkTokens: number; overlapTokens?: number }): string[];

// ---- Compression ----------------------------------------------------------

export interface CompressOptions {
  model?: ModelId;
  level?: "lossless" | "balanced" | "aggressive";
  normalizeQuotes?: boolean;
  /** compressMessages: compact tool results losslessly (default) or keep them as they are. */
  toolResults?: "compact" | "keep";
}
export interface Compressed {
  text: string;
  tokensBefore: number;
  tokensAfter: number;
  savedTokens: number;
  savedPercent: number;
  passes: { name: string; savedTokens: number }[];
}
export function compressPrompt(text: string, options?: CompressOptions): Compressed;
/** An Anthropic content block that compressMessages reads (tool results) or passes through (tool calls). */
export type AnthropicToolBlock =
  | { type: "tool_result"; tool_use_id: string; content?: string | { type: string; text?: string }[]; is_error?: boolean }
  | { type: "tool_use"; id: string; name: string; input: unknown };
/**
 * The messages are copies of the objects passed (`{ ...message }`) with only their text changed.
 * Tool results (`role: "tool"`, and Anthropic `tool_result` blocks) are compacted losslessly, as
 * compactContext does, and count in the totals; `toolResults: "keep"` leaves them as they are.
 */
export function compressMessages(
  messages: (ChatMessage | (Omit<ChatMessage, "content"> & { content?: string | (ContentPart | AnthropicToolBlock)[] | null }))[],
  options?: CompressOptions,
): Omit<Compressed, "text"> & { messages: ChatMessage[] };

// ---- Context compaction ----------------------------------------------------

export type ContextKind = "json" | "html" | "log" | "table" | "text";
export interface CompactOptions {
  model?: ModelId;
  encoding?: Encoding;
  /** What the input is; "auto" (the default) detects it. "html" needs the `tokenmeter/html` entry point. */
  kind?: "auto" | ContextKind;
  /** "lossless" (default): the data stays. "structural": also drops empty columns and page furniture. "lossy": also `keep` and id aliases. */
  level?: "lossless" | "structural" | "lossy";
  /** At "lossy": the JSON fields to keep, as dotted paths from the top (arrays are passed through). */
  keep?: string[];
}
export interface Compacted {
  text: string;
  /** The kind the input was read as. */
  kind: ContextKind;
  tokensBefore: number;
  tokensAfter: number;
  savedTokens: number;
  savedPercent: number;
  passes: { name: string; savedTokens: number }[];
  /** At "lossy": each alias in `text` and the id it stands for. */
  aliases?: Record<string, string>;
}
/**
 * Writes context data (tool results, API responses, pages, logs, tables) in fewer tokens; each
 * transform is kept only if it lowers the count. A string is read as `kind`; any other value is
 * JSON data (serialised first). See docs/compaction.md.
 */
export function compactContext(input: string | unknown, options?: CompactOptions): Compacted;

// ---- Pre-flight and budgets -------------------------------------------------

export interface ChatRequest {
  model: ModelId;
  messages: ChatMessage[];
  tools?: Tool[];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  [key: string]: unknown;
}

export interface PreflightResult {
  ok: boolean;
  model: string;
  inputTokens: number | null;
  /** False when inputTokens is an estimate. */
  exact: boolean;
  maxOutputTokens: number | null;
  contextWindow: number | null;
  fits: boolean;
  /** `max` assumes the whole output allowance is used. */
  cost: { currency: "USD"; min: number | null; max: number | null };
  problems: { code: "CONTEXT_OVERFLOW" | "OUTPUT_EXCEEDS_MODEL_MAX" | "BUDGET_EXCEEDED" | "UNKNOWN_MODEL"; message: string }[];
}
export function preflight(
  request: ChatRequest,
  options?: { budget?: { limitUsd: number; spentUsd?: number }; pricing?: Pricing },
): PreflightResult;

/** SHA-256 (hex) of the canonical request, or null when the answer is sampled (temperature unset or > 0) unless forced. A NaN or an infinity anywhere in the request throws INVALID_ARGUMENT at its path. */
export function requestCacheKey(request: ChatRequest, options?: { force?: boolean }): string | null;

export interface LedgerConfig {
  perKeyDailyUsd?: number | null;
  globalDailyUsd?: number | null;
  keyLimitsUsd?: Record<string, number>;
  /** Share of a limit at which check() warns. Default 0.8. */
  alertAt?: number;
  /** Days of history kept. Default 62. */
  retentionDays?: number;
}
export interface BudgetCheck {
  allowed: boolean;
  /** The UTC day (YYYY-MM-DD). */
  day: string;
  spentUsd: number;
  remainingUsd: number | null;
  limitUsd: number | null;
  alert: "none" | "warning" | "exceeded";
}
export interface SpendLine {
  name: string;
  costUsd: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * Per-key and global daily budgets by UTC day. Holds wasm memory: free() it, or let GC do it.
 * After free() every method throws INVALID_ARGUMENT; a second free() does nothing.
 */
export class BudgetLedger {
  constructor(config?: LedgerConfig);
  /** Records a finished call (an estimateCost request or usageFromResponse's result). */
  record(
    key: string,
    usage: CostRequest | NormalisedUsage,
    options?: { feature?: string; now?: number; model?: ModelId; pricing?: Pricing },
  ): { costUsd: number; model: string; check: BudgetCheck };
  check(key: string, options?: { now?: number }): BudgetCheck;
  report(): { totalUsd: number; byDay: SpendLine[]; byKey: SpendLine[]; byModel: SpendLine[]; byFeature: SpendLine[] };
  toJSON(): unknown;
  static fromJSON(json: unknown): BudgetLedger;
  free(): void;
}
