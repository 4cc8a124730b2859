import { AutopilotError } from '../errors.js';
import type { SlackMessage } from './message.js';

/** Slack did not take a message. The message names the webhook only by its host: the path is the secret. */
export class SlackWebhookError extends AutopilotError {
  /** The HTTP status, when Slack answered. */
  readonly status: number | undefined;

  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SlackWebhookError';
    this.status = status;
  }
}

/** Slack answered 429 and asked for a wait longer than this invocation has left: Lambda retries the event later. */
export class SlackRateLimitedError extends SlackWebhookError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message, 429);
    this.name = 'SlackRateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** What a post depends on and how patient it is; tests swap the clock and the sleep. */
export interface PostOptions {
  /** Milliseconds this invocation has left (Lambda's `getRemainingTimeInMillis`). */
  remainingMs: () => number;
  /** Told before each wait, so the logs show why a delivery is slow. */
  onRetry?: (why: string, waitMs: number, attempt: number) => void;
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
  timeoutMs?: number;
}

const defaults = {
  maxAttempts: 5,
  timeoutMs: 5_000,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};
/** Time kept back for the handler to fail cleanly (and Lambda to retry) rather than time out mid-wait. */
const SAFETY_MARGIN_MS = 2_000;

/** Seconds of a Retry-After header (delta-seconds or an HTTP date); Slack sends seconds, 1 s when it sends none. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  if (header === null || header.trim() === '') return 1;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1 : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The webhook as logs may name it: its host alone. */
export function webhookHost(url: URL): string {
  return `${url.protocol}//${url.host}/…`;
}

/** One attempt's outcome: delivered, or worth another try after a wait. Anything else throws. */
type Attempt = { delivered: true } | { delivered: false; why: string; waitMs: number; status?: number };

async function attemptPost(url: URL, message: SlackMessage, attempt: number, timeoutMs: number): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const code = ((error as Error).cause as { code?: string } | undefined)?.code;
    const why = `Slack webhook ${webhookHost(url)} could not be reached (${(error as Error).message}${code ? `: ${code}` : ''})`;
    return { delivered: false, why, waitMs: backoffMs(attempt) };
  }
  const body = (await response.text()).slice(0, 200);
  if (response.ok) return { delivered: true };
  if (response.status === 429) {
    const seconds = retryAfterSeconds(response.headers.get('retry-after'));
    return {
      delivered: false,
      why: `Slack answered 429, Retry-After ${seconds} s`,
      waitMs: seconds * 1000,
      status: 429,
    };
  }
  if (response.status >= 500) {
    return {
      delivered: false,
      why: `Slack answered ${response.status}`,
      waitMs: backoffMs(attempt),
      status: response.status,
    };
  }
  throw new SlackWebhookError(
    `Slack webhook ${webhookHost(url)} answered ${response.status} ${body}`.trim(),
    response.status,
  );
}

/**
 * Posts a message to an incoming webhook. Honours 429 with Retry-After (waiting in this invocation while it has the
 * time), retries 5xx and network errors with exponential backoff, and fails at once on other answers (a revoked or
 * unknown webhook, invalid blocks) since repeating them cannot help. Returns how many attempts it took.
 */
export async function postToWebhook(url: URL, message: SlackMessage, options: PostOptions): Promise<number> {
  const { maxAttempts, timeoutMs, sleep } = { ...defaults, ...options };
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptPost(url, message, attempt, timeoutMs);
    if (outcome.delivered) return attempt;
    const { why, waitMs, status } = outcome;
    if (waitMs + SAFETY_MARGIN_MS > options.remainingMs()) {
      if (status === 429) {
        throw new SlackRateLimitedError(`${why}: longer than this invocation has left`, waitMs / 1000);
      }
      throw new SlackWebhookError(`${why}; no time left for attempt ${attempt + 1}`, status);
    }
    if (attempt >= maxAttempts) throw new SlackWebhookError(`${why}; gave up after ${attempt} attempts`, status);
    options.onRetry?.(why, waitMs, attempt);
    await sleep(waitMs);
  }
}

function backoffMs(attempt: number): number {
  return Math.min(8_000, 250 * 2 ** (attempt - 1));
}
