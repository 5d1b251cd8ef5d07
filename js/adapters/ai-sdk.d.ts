// Types of tokenmeter/ai-sdk. The AI SDK's own types come from `ai` (an
// optional peer dependency: install it to use this entry point).
import type { LanguageModelMiddleware, LanguageModelUsage } from "ai";
import type { BudgetCheck, BudgetLedger, CatalogueOptions, ChatMessage, Cost, ModelId, Pricing, Tool } from "tokenmeter";

type CallOptions = Parameters<NonNullable<LanguageModelMiddleware["transformParams"]>>[0]["params"];
type GenerateResult = Awaited<ReturnType<NonNullable<LanguageModelMiddleware["wrapGenerate"]>>>;

/** The prompt a model receives (LanguageModelV4Prompt). */
export type AiSdkPrompt = CallOptions["prompt"];
/** The usage a model reports (LanguageModelV4Usage). */
export type AiSdkModelUsage = GenerateResult["usage"];

/** A usage in tokenmeter's conventions: input counts cache reads and writes, output counts reasoning. */
export interface MeteredTokens {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

export interface UsageEvent {
  type: "generate" | "stream";
  key: string;
  /** The model priced: `options.model`, else the wrapped model's id. */
  model: string;
  usage: MeteredTokens;
  /** The totals the provider did not report, and tokenmeter counted instead. */
  counted: ("input" | "output")[];
  cost: Cost;
  /** The ledger's check after recording, when there is a ledger. */
  check?: BudgetCheck;
}

export interface MeterOptions {
  /** The budget key the calls are recorded and checked under (a user, a tenant, a feature). */
  key: string;
  /** Records each call (`ledger.record(key, usage, { model })`); a call is refused while `ledger.check(key)` does not allow it. */
  ledger?: BudgetLedger;
  /** Prices the calls as this model (default: the wrapped model's id). */
  model?: ModelId;
  /** A call whose worst-case cost (preflight's `cost.max`) does not fit is refused. */
  budget?: { limitUsd: number; spentUsd?: number } | (() => { limitUsd: number; spentUsd?: number } | undefined);
  /** Called after each call with its usage and cost. */
  onUsage?: (event: UsageEvent) => void;
}

/**
 * Middleware for `wrapLanguageModel`: before each call, preflight (the
 * prompt must fit the model's window, the key's budget must allow it:
 * otherwise a TokenmeterError CONTEXT_OVERFLOW at `prompt`, BUDGET_EXCEEDED
 * at `ledger` or `budget`, UNKNOWN_MODEL); after it, the usage the provider
 * reported (or, where it reported none, the prompt and output counted) goes
 * to the ledger and to onUsage. Needs a `ledger` or an `onUsage`.
 */
export function meterMiddleware(options: MeterOptions): LanguageModelMiddleware;

/**
 * An AI SDK usage (`result.usage`, `result.totalUsage`, or a model's
 * LanguageModelV4Usage) in tokenmeter's conventions; a total not reported is
 * the sum of its parts, or undefined.
 */
export function usageFromAiSdk(
  usage: LanguageModelUsage | AiSdkModelUsage,
): Omit<MeteredTokens, "inputTokens" | "outputTokens"> & { inputTokens: number | undefined; outputTokens: number | undefined };

/** The cost of an AI SDK usage for `options.model` (estimateCost's options besides). */
export function costFromUsage(
  usage: LanguageModelUsage | AiSdkModelUsage,
  options: CatalogueOptions & { model: ModelId; pricing?: Pricing },
): Cost;

/** The chat messages tokenmeter counts, from an AI SDK prompt. */
export function toChatMessages(prompt: AiSdkPrompt): ChatMessage[];
/** The function tools of an AI SDK call as tokenmeter's tools. */
export function toChatTools(tools: CallOptions["tools"]): Tool[];
