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
  | "FEATURE_NOT_BUNDLED" // a part of the API this entry point leaves out (importCatalogue in tokenmeter/o200k, HTML compaction outside tokenmeter/html); the message names the entries that carry it
  | "INVALID_TOKEN" // a token id outside the encoding's vocabulary
  | "CONTEXT_OVERFLOW" // the request cannot fit the model's window (trimMessages' onOverflow "error", tokenmeter/ai-sdk)
  | "BUDGET_EXCEEDED" // a preflight problem, the Worker example's 429, and tokenmeter/ai-sdk's refusal
  | "INVALID_CATALOGUE" // registerModels specs that do not validate; nothing was changed
  | "INVALID_LEDGER" // BudgetLedger.fromJSON input that does not validate; nothing was loaded
  | "INVALID_STREAM" // meterStream's usage: a reply that is neither SSE nor JSON, or whose usage can be neither read nor counted
  | "UNKNOWN_RESERVATION"; // BudgetLedger.settle of a reservation that is not open (settled, released, expired)

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

export type Encoding =
  | "r50k_base"
  | "p50k_base"
  | "p50k_edit"
  | "cl100k_base"
  | "o200k_base"
  | "o200k_harmony"
  /** Open-weight families, each in its own entry point (tokenmeter/llama3, /llama4, /qwen, /deepseek, /mistral, /gemma). */
  | "llama3"
  | "llama4"
  | "qwen2"
  | "deepseek_v3"
  | "tekken"
  | "gemma3";

/** Which tokens to count in: a model's, an encoding's, or (neither) `o200k_base`. Both only if they agree. */
export interface ModelOrEncoding {
  /** Count with this model's tokenizer (an estimate where tokenmeter does not carry it). */
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
/**
 * The token ids of `text` and where each token's text starts (UTF-16
 * offsets, then `text.length`): token `i` is shown as `text.slice(starts[i],
 * starts[i + 1])`, and the slices join into `text`. BPE splits a character's
 * bytes freely; a character is shown with the token that began it, so a
 * token that only continues one has an empty slice. Throws for estimated
 * models (no public ids).
 */
export function encodeWithOffsets(text: string, options?: TokenOptions): { tokens: Uint32Array; starts: Uint32Array };
/**
 * The same for each chat message: its text as the chat functions read it
 * (the content string, or its text parts joined by a newline; images and
 * tool calls have none), and that text's tokens and starts. The messages are
 * read as countChatTokens reads them (a malformed one throws at its path);
 * the options are a text's (`model` or `encoding`), not a chat count's.
 */
export function encodeWithOffsets(
  messages: ChatMessage[],
  options?: TokenOptions,
): { messages: { role: string; text: string; tokens: Uint32Array; starts: Uint32Array }[] };
/** The text of token ids; bytes that are not valid UTF-8 become U+FFFD. */
export function decode(tokens: Uint32Array | number[], options?: TokenOptions): string;
/** The encoding tiktoken uses for an OpenAI model (prefixes and snapshots included). */
export function encodingForModel(model: ModelId): Encoding;
/** The encodings this entry point carries. */
export function bundledEncodings(): Encoding[];

export interface TokenizerInfo {
  encoding: Encoding;
  /** False when the count is an estimate (tokenmeter does not carry the model's tokenizer). */
  exact: boolean;
  /** "tiktoken", or how the estimate is made. */
  method: string;
  /** Estimates: the proxy count is multiplied by this and rounded up. */
  factor: number;
  /** An estimate of an open-weight model: its own encoding, which another entry point counts exactly. */
  exactEncoding?: Encoding;
  /** The entry points that count it exactly ("tokenmeter/llama3"). */
  exactIn?: string;
}
export function tokenizerInfo(model: ModelId): TokenizerInfo;
/** The package entry points that carry `encoding` (`["tokenmeter/llama3"]`); UNKNOWN_ENCODING for a name that is none. */
export function entryPointsOf(encoding: Encoding): string[];

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

/**
 * Counts a text that arrives in parts (a file read in chunks, a streamed
 * reply) exactly as countTokens counts the whole text: BPE counts of parts
 * do not add, so it counts each pre-tokenizer piece once no later text can
 * change it and keeps only the rest (in prose, the last word or two). Ordinary
 * text only (special-token texts are text). Holds wasm memory: free() it, or
 * let GC do it. After free() every member throws INVALID_ARGUMENT.
 */
export class TokenCounter {
  /** `allowedSpecial` other than "none" is an INVALID_ARGUMENT. */
  constructor(options?: ModelOrEncoding & { allowedSpecial?: "none" });
  readonly encoding: Encoding;
  readonly exact: boolean;
  /** Adds the next part; a part may end anywhere between two characters. */
  push(text: string): void;
  /** The tokens of everything pushed so far. */
  count(): number;
  /** UTF-8 bytes held, not yet counted. Text with no place to cut (one gigabyte-long run of a letter) is held whole. */
  readonly heldBytes: number;
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

/** A cache lifetime: "5m", "1h", "30m", "12h", "24h" ... (minutes, hours or days). */
export type CacheLifetime = `${number}m` | `${number}h` | `${number}d`;

/** USD per 1M tokens. A missing price means "not applicable", never zero. */
export interface Prices {
  input: number;
  output: number;
  /** Cache reads. */
  cachedInput?: number;
  /** Cache writes by lifetime. Where a model prices none, a write costs the input price. */
  cacheWrites?: Partial<Record<CacheLifetime, number>>;
  batchInput?: number;
  batchOutput?: number;
}

/** Prices for the whole request once its input passes `aboveInputTokens` (missing fields: the list's). */
export interface Tier extends Partial<Prices> {
  aboveInputTokens: number;
}

/** A service tier: its own prices (missing fields: the list's), or a multiplier of the standard prices. */
export type ServiceTier = (Partial<Prices> & { tiers?: Tier[] }) | { multiplier: number };

/** Prices in force during part of each UTC day (`end` exclusive; may wrap midnight). */
export interface TimeWindow extends Partial<Prices> {
  name: string;
  /** "HH:MM", UTC. */
  start: string;
  end: string;
}

/** One price list, in force from `from` until `until` (exclusive), YYYY-MM-DD. */
export interface PriceList extends Prices {
  from?: string;
  until?: string;
  tiers?: Tier[];
  serviceTiers?: Record<string, ServiceTier>;
  timeWindows?: TimeWindow[];
}

export type ModelStatus = "active" | "deprecated" | "retired";

export interface Model {
  id: string;
  name: string;
  provider: string;
  kind: "chat" | "reasoning" | "embedding";
  aliases: string[];
  snapshots: string[];
  /**
   * `encoding` is the model's own; `estimate` the proxy used where this entry point does not carry it
   * (an open-weight model has both: exact in its family's entry point, estimated in the others).
   */
  tokenizer:
    | { encoding: Encoding; exact: true; estimate?: Encoding; factor?: number; method?: string }
    | { estimate: Encoding; exact: false; factor: number; method: string; encoding?: Encoding };
  contextWindow: number;
  /** Whether input and output share the window, or it limits the input only. */
  contextWindowCovers: "input+output" | "input";
  /** A cap on input below the window (GPT-5: 272,000 inside 400,000). */
  maxInputTokens?: number;
  maxOutputTokens: number;
  /** The shortest prefix the provider caches. */
  minCacheableTokens?: number;
  releaseDate?: string;
  deprecationDate?: string;
  shutdownDate?: string;
  /** The model the provider recommends instead. */
  replacement?: string;
  /** At the instant asked about (`options.at`, default now). */
  status: ModelStatus;
  /** The list in force now. */
  prices: PriceList;
  /** Earlier lists, oldest first. */
  priceHistory?: PriceList[];
  /** Workers AI: neurons per 1M tokens. */
  units?: { input: number; output: number };
  /** Why a figure may be off, where the catalogue is unsure. */
  uncertain?: string;
}

/**
 * A model to register: a Model's fields (what getModel returns is accepted
 * as is; `status` and `tokenizer.exact` are ignored). Schema v1's
 * `prices.cacheWrite5m`, `prices.cacheWrite1h` and top-level `tiers` are
 * still accepted.
 */
export interface ModelSpec {
  id: string;
  name?: string;
  provider?: string;
  kind?: "chat" | "reasoning" | "embedding";
  aliases?: string[];
  snapshots?: string[];
  tokenizer?: { encoding: Encoding } | { estimate: Encoding | (string & {}); factor?: number; method?: string };
  contextWindow: number;
  contextWindowCovers?: "input+output" | "input";
  maxInputTokens?: number;
  maxOutputTokens: number;
  minCacheableTokens?: number;
  releaseDate?: string;
  deprecationDate?: string;
  shutdownDate?: string;
  replacement?: string;
  status?: ModelStatus;
  prices: PriceList & { cacheWrite5m?: number; cacheWrite1h?: number };
  priceHistory?: PriceList[];
  tiers?: Tier[];
  units?: { input: number; output: number };
  uncertain?: string;
}

export interface Provider {
  id: string;
  name: string;
  /** The date the provider's figures were checked (YYYY-MM-DD). */
  asOf: string;
  /** The provider's public pricing page. */
  source: string;
  /** Workers AI bills in neurons, with a daily free allowance. */
  billing: { unit: string; usdPerMillionUnits: number; freeUnitsPerDay: number; source: string } | null;
}

/** An instant: a Date, an ISO 8601 string ("2026-12-07", "2026-12-07T16:30:00Z") or milliseconds since 1970. */
export type At = Date | string | number;

/** Which catalogue resolves the model (default: the module's), and when. */
export interface CatalogueOptions {
  catalogue?: Catalogue;
  /** Prices, windows and statuses at this instant. Default: now. */
  at?: At;
}

/**
 * A catalogue of one's own: the bundled data, then what is registered into
 * it. Pass it as `{ catalogue }` to any call that resolves a model; the
 * module's default catalogue and other Catalogue objects are untouched, so
 * two tenants in one isolate can price the same id differently. Holds wasm
 * memory: free() it, or let GC do it.
 */
export class Catalogue {
  constructor();
  /** Adds or replaces models in this catalogue only, all or nothing (INVALID_CATALOGUE). */
  register(specs: ModelSpec[]): string[];
  getModel(id: ModelId | (string & {}), options?: { at?: At }): Model;
  listModels(options?: { at?: At }): Model[];
  listProviders(): Provider[];
  info(options?: { at?: At }): CatalogueInfo;
  /** Imports a community price map into this catalogue only (see importCatalogue). */
  import(data: unknown, options: ImportOptions): ImportReport;
  /** Opaque: how calls given `{ catalogue }` find this one. */
  readonly handle: object;
  free(): void;
}

export interface CatalogueInfo {
  /** The day the ages are counted to. */
  at: string;
  providers: {
    provider: string;
    name: string;
    asOf: string;
    ageDays: number;
    source: string;
    models: { active: number; deprecated: number; retired: number };
  }[];
}

/** Every model (retired ones included, with their status at `at`). */
export function listModels(options?: CatalogueOptions): Model[];
/** A model by id, alias or dated snapshot (UNKNOWN_MODEL with near matches). */
export function getModel(id: ModelId | (string & {}), options?: CatalogueOptions): Model;
export function listProviders(options?: { catalogue?: Catalogue }): Provider[];
/** How fresh the figures are: per provider, the date, its age in days and the models by status. */
export function catalogueInfo(options?: CatalogueOptions): CatalogueInfo;
/**
 * Adds or replaces models in the module's default catalogue, all or nothing
 * (INVALID_CATALOGUE). Process-wide: every call without `{ catalogue }` in
 * this JS realm (a whole Worker isolate) sees it. Use `new Catalogue()` for
 * per-tenant prices. Returns the ids.
 */
export function registerModels(specs: ModelSpec[]): string[];
/** The default catalogue back to the bundled data. */
export function resetModels(): void;

/** The community price maps importCatalogue reads. */
export type ImportFormat = "litellm" | "openrouter" | "genai-prices" | "models.dev";

export interface ImportOptions {
  format: ImportFormat;
  /**
   * Whose figures win for a model the catalogue already has. "bundled"
   * (default): the catalogue's, and the entry is skipped with the reason;
   * "imported": the map's prices replace the model's (limits the map lacks
   * are kept).
   */
  prefer?: "bundled" | "imported";
}

export interface ImportReport {
  /** Catalogue ids added. */
  added: string[];
  /** Catalogue ids the map replaced (prefer: "imported"). */
  updated: string[];
  /**
   * Entries left out, each by where it is in the map (LiteLLM's key,
   * OpenRouter's id, "provider/model" for genai-prices and models.dev), with
   * why: a missing or bad price, a non-text model, the catalogue's own ...
   */
  skipped: { id: string; reason: string }[];
}

/**
 * Imports a community price map (LiteLLM's model_prices_and_context_window.json,
 * OpenRouter's /api/v1/models, genai-prices' data.json, models.dev's api.json)
 * into `options.catalogue`, or into the module's default catalogue, which is
 * process-wide as registerModels' is (a whole Worker isolate). One entry at a
 * time: a bad entry is skipped with its reason and never reaches the
 * catalogue. Throws INVALID_CATALOGUE (field "data") only when `data` is not
 * the format at all, INVALID_ARGUMENT for bad options. data/README.md
 * ("Imports") gives each format's ids, units and rounding.
 */
export function importCatalogue(data: unknown, options: ImportOptions & { catalogue?: Catalogue }): ImportReport;

// ---- Cost -----------------------------------------------------------------

/** A price override for one call: a price list without dates. */
export type Pricing = Omit<PriceList, "from" | "until">;

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
  /** The lifetime of the cache writes; any the model prices (an unpriced one is INVALID_ARGUMENT). Default: its shortest. */
  cacheWriteTtl?: CacheLifetime;
  /** The 1-hour part of cacheWriteTokens (Anthropic reports both). */
  cacheWrite1hTokens?: number | null;
  reasoningTokens?: number;
  batch?: boolean;
  /** A service tier the model prices ("flex", "priority", "us-only" ...). Default: standard. */
  serviceTier?: string;
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
  /** The time-of-day window whose prices applied (DeepSeek's "off-peak"), or null. */
  timeWindow: string | null;
  serviceTier: string | null;
  /** A retired or deprecated model, an instant before the first known price. */
  warnings: string[];
}

/** Priced at the list in force at `options.at` (default now). */
export function estimateCost(request: CostRequest, options?: CatalogueOptions & { pricing?: Pricing }): Cost;

export interface NormalisedUsage {
  /** OpenRouter's replies are "openai-chat"; "workers-ai" comes from a stream only. */
  format: "openai-chat" | "openai-responses" | "anthropic" | "gemini" | "workers-ai";
  /** The model the reply names, or null when it names none (Gemini replies often do not). */
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number | null;
  reasoningTokens: number;
}
/**
 * A provider reply's usage (OpenAI Chat/Responses, Anthropic, Gemini) in tokenmeter's conventions.
 * A string is a complete reply as text: server-sent events (whose reported usage is read; a text
 * without usage is an INVALID_ARGUMENT at `body`, as a reply without usage is) or JSON.
 */
export function usageFromResponse(body: unknown): NormalisedUsage;

/**
 * A provider reply as the official SDKs type it, or as its JSON arrives:
 * `openai`'s ChatCompletion (and `stream.finalChatCompletion()`), Responses
 * `Response` (and the Responses stream's `finalResponse()`), and
 * `@anthropic-ai/sdk`'s Message (and `stream.finalMessage()`) are all
 * assignable to it; so is a Gemini reply.
 */
export interface ProviderReply {
  model?: string | null;
  usage?: object | null;
  usageMetadata?: object | null;
  modelVersion?: string | null;
}
/**
 * The cost of a reply: its usage as usageFromResponse reads it, priced as
 * estimateCost prices it, for `options.model` or else the model the reply
 * names (INVALID_ARGUMENT at `options.model` when neither does). A reply
 * without usage (an OpenAI stream without `stream_options.include_usage`) is
 * an INVALID_ARGUMENT at `body`.
 */
export function costFromResponse(
  response: ProviderReply,
  options?: CatalogueOptions & { model?: ModelId; pricing?: Pricing },
): Cost;

// ---- Streams --------------------------------------------------------------

export type StreamFormat = "openai-chat" | "openai-responses" | "anthropic" | "gemini" | "workers-ai" | "openrouter";

export interface MeterOptions {
  catalogue?: Catalogue;
  /** The model called: counts with its tokenizer and chat rules when the stream reports no usage. */
  model: ModelId;
  /** The request sent (`{ messages, tools? }`, e.g. the whole chat request): its prompt is counted when needed. */
  request?: { messages: ChatMessage[]; tools?: Tool[]; [key: string]: unknown };
  /** Read the events as this format instead of recognising it. */
  format?: StreamFormat;
}

export interface MeteredUsage extends Omit<NormalisedUsage, "format"> {
  /** null for a stream cut off before its first event. */
  format: NormalisedUsage["format"] | null;
  /** "reported": the provider's own final usage. "counted": none came; counted exactly (see README). */
  source: "reported" | "counted";
  /** The source ended normally and the stream ended as its format ends ([DONE], message_stop, response.completed ...). */
  complete: boolean;
  /** Events that could not be read (skipped). */
  malformedEvents: number;
}

/**
 * Meters a streamed reply as it passes: `stream` yields the source's chunks unchanged, each only when
 * read (nothing is read ahead); `usage` resolves when it ends, is cut off or cancelled. A body that is
 * neither SSE nor JSON still passes through, and `usage` rejects with INVALID_STREAM.
 */
export function meterStream(
  source: Response | ReadableStream<Uint8Array>,
  options: MeterOptions,
): { stream: ReadableStream<Uint8Array>; usage: Promise<MeteredUsage> };

/** The meter under meterStream, for other kinds of streams: push() each chunk, then finish() once. */
export class StreamMeter {
  constructor(options: MeterOptions);
  push(chunk: Uint8Array): void;
  /** `complete`: the source ended normally (false: cut off, cancelled, failed). Frees nothing; call free(). */
  finish(complete: boolean): MeteredUsage;
  /** Bytes held (the current event, output kept for counting): flat however long the stream. */
  readonly heldBytes: number;
  free(): void;
}

/** An Anthropic Messages request in the chat shape countChatTokens, preflight, reserve and meterStream take. */
export function fromAnthropicRequest(request: unknown): ChatRequest;

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
  /** Default: the model's shortest priced cache lifetime. */
  cacheWriteTtl?: CacheLifetime;
  /** Default: a write every lifetime (288/day for 5m, 24/day for 1h, 2/day for 12h). */
  cacheWritesPerDay?: number;
  /** Share (0..1) of model requests sent through the batch API. */
  batchShare?: number;
  /** A service tier the model prices ("flex", "priority" ...), for every request. Default: standard. */
  serviceTier?: string;
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
  /** A prefix below the model's minimum cacheable length, a retired model ... */
  warnings: string[];
}
export function projectCost(workload: Workload, options?: CatalogueOptions): Projection;

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
/** Default list: every chat and reasoning model in service at `options.at`; retired ones only when named. */
export function compareModels(
  workload: Workload,
  options?: CatalogueOptions & { models?: ModelId[]; baseline?: ModelId },
): Comparison;

export interface Suggestion {
  model: string;
  complexity: "simple" | "moderate" | "complex";
  score: number;
  signals: string[];
  reason: string;
}
/** A transparent heuristic (length, task words, code) that routes to the cheapest fitting price tier. */
/** Never suggests a retired model. */
export function suggestModel(prompt: string, options?: CatalogueOptions & { candidates?: ModelId[] }): Suggestion;

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
  /** The most input this request may carry: the window less its output (where shared), and the input cap. */
  inputLimit: number | null;
  fits: boolean;
  /** `max` assumes the whole output allowance is used. */
  cost: { currency: "USD"; min: number | null; max: number | null };
  problems: {
    code: "CONTEXT_OVERFLOW" | "OUTPUT_EXCEEDS_MODEL_MAX" | "BUDGET_EXCEEDED" | "UNKNOWN_MODEL" | "MODEL_RETIRED";
    message: string;
  }[];
  /** A deprecated model, a service_tier the catalogue does not price ... */
  warnings: string[];
}
/** The request's `service_tier` ("flex", "priority") prices it where the model has that tier. */
export function preflight(
  request: ChatRequest,
  options?: CatalogueOptions & { budget?: { limitUsd: number; spentUsd?: number }; pricing?: Pricing },
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
  /** How long an open reservation is held, in ms (1,000 to 86,400,000). Default 900,000 (15 minutes). */
  reservationTtlMs?: number;
}
/** `…PicoUsd`: the same amounts exactly, as decimal strings of pico-dollars (1 USD = 10^12). */
export interface BudgetCheck {
  allowed: boolean;
  /** The UTC day (YYYY-MM-DD). */
  day: string;
  spentUsd: number;
  /** Open reservations on the day. */
  reservedUsd: number;
  /** The limit less spend and open reservations (the tighter of the key's and the global one). */
  remainingUsd: number | null;
  limitUsd: number | null;
  alert: "none" | "warning" | "exceeded";
  spentPicoUsd: string;
  reservedPicoUsd: string;
  remainingPicoUsd: string | null;
  limitPicoUsd: string | null;
}
export interface SpendLine {
  name: string;
  costUsd: number;
  costPicoUsd: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}
export interface DayModelLine extends Omit<SpendLine, "name"> {
  day: string;
  model: string;
}
export interface Reservation {
  id: string;
  key: string;
  amountUsd: number;
  amountPicoUsd: string;
  /** When it was made and when it expires, ms since 1970. */
  at: number;
  expiresAt: number;
}
type LedgerCallOptions = { catalogue?: Catalogue; feature?: string; now?: number; model?: ModelId; pricing?: Pricing };

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
    options?: LedgerCallOptions,
  ): { costUsd: number; costPicoUsd: string; model: string; check: BudgetCheck };
  /** record(), only if the call fits the key's and the global budget (open reservations counted). */
  tryRecord(
    key: string,
    usage: CostRequest | NormalisedUsage,
    options?: LedgerCallOptions,
  ): { recorded: boolean; costUsd: number; costPicoUsd: string; model: string; check: BudgetCheck };
  /**
   * Holds a call's worst case (USD, or a chat request priced as preflight's cost.max) before it is made;
   * `reserved: false` when spent + open reservations + it would pass the key's or the global limit.
   */
  reserve(
    key: string,
    amountOrRequest: number | ChatRequest,
    options: { catalogue?: Catalogue; id: string; now?: number; ttlMs?: number; pricing?: Pricing },
  ): { reserved: boolean; id: string; amountUsd: number; amountPicoUsd: string; expiresAt: number | null; check: BudgetCheck };
  /** Closes a reservation with the call's actual usage, recorded on the reservation's day. */
  settle(
    id: string,
    usage: CostRequest | NormalisedUsage | MeteredUsage,
    options?: { catalogue?: Catalogue; feature?: string; model?: ModelId; pricing?: Pricing },
  ): { key: string; model: string; costUsd: number; costPicoUsd: string; reservedUsd: number; reservedPicoUsd: string; check: BudgetCheck };
  /** Closes a reservation without a cost; whether it was open. */
  release(id: string): boolean;
  reservations(options?: { key?: string }): Reservation[];
  check(key: string, options?: { now?: number }): BudgetCheck;
  report(options?: { key?: string }): {
    totalUsd: number;
    totalPicoUsd: string;
    byDay: SpendLine[];
    byKey: SpendLine[];
    byModel: SpendLine[];
    byFeature: SpendLine[];
    byDayModel: DayModelLine[];
  };
  toJSON(): unknown;
  static fromJSON(json: unknown): BudgetLedger;
  free(): void;
}
