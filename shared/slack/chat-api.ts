import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';
import type { SlackMessage } from './message.js';
import { SlackRateLimitedError, SlackWebhookError } from './webhook.js';

/** Where a message goes in a channel: a new thread root, or a reply in a thread (shown in the channel too). */
export interface ThreadPlacement {
  threadTs?: string;
  broadcast?: boolean;
}

/** Slack's Web API answered `ok: false`: the error code says why (`channel_not_found`, `invalid_auth`, …). */
export class SlackApiError extends SlackWebhookError {
  readonly code: string;

  constructor(code: string, options?: { cause?: unknown }) {
    super(`Slack chat.postMessage answered ok:false, error ${code}`, undefined, options);
    this.name = 'SlackApiError';
    this.code = code;
  }
}

/** Errors that mean the token itself is stale (rotated or revoked): read it again before giving up. */
export const staleTokenErrors = new Set(['invalid_auth', 'token_revoked', 'token_expired', 'account_inactive']);

/** How patient a post is; tests swap the sleep. */
export interface ChatPostOptions {
  remainingMs: () => number;
  onRetry?: (why: string, waitMs: number, attempt: number) => void;
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
}

/** Time kept back for the handler to fail cleanly (and Lambda to retry) rather than time out mid-wait. */
const SAFETY_MARGIN_MS = 2_000;

/**
 * Slack's client, loaded on the first post rather than with the function: the incoming-webhook mode (the default)
 * never needs it, and in bot-token mode the first post pays for it, within the same cold start.
 */
type SlackWebApi = typeof import('@slack/web-api');
let slackWebApi: Promise<SlackWebApi> | undefined;
function loadSlackWebApi(): Promise<SlackWebApi> {
  slackWebApi ??= import('@slack/web-api');
  return slackWebApi;
}

/** Seconds Slack asked to wait, when the error is a rate limit: a 429, or `ok: false` with `ratelimited`. */
function rateLimitOf(error: unknown, { ErrorCode }: SlackWebApi): number | undefined {
  const e = error as { code?: string; retryAfter?: number; data?: { error?: string; response_metadata?: object } };
  if (e.code === ErrorCode.RateLimitedError) return e.retryAfter ?? 1;
  if (e.code === ErrorCode.PlatformError && e.data?.error === 'ratelimited') {
    return (e.data.response_metadata as { retryAfter?: number } | undefined)?.retryAfter ?? 1;
  }
  return undefined;
}

/**
 * Posts with the bot token through Slack's own client (@slack/web-api): its retries cover network errors and 5xx; a
 * rate limit is handed back (not waited out blindly), so that its Retry-After is honoured only while this invocation
 * has the time for it. The token goes in the Authorization header and appears in no log line or error.
 */
export function chatPoster(apiUrl: string) {
  const clients = new Map<string, WebClient>();
  const clientFor = ({ WebClient, LogLevel }: SlackWebApi, token: string) => {
    let client = clients.get(token);
    if (!client) {
      client = new WebClient(token, {
        slackApiUrl: apiUrl,
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2_000 },
        timeout: 5_000,
        // Its debug lines carry request bodies: only errors, and the client never logs the token.
        logLevel: LogLevel.ERROR,
      });
      clients.clear();
      clients.set(token, client);
    }
    return client;
  };

  /** Posts one message; returns its `ts` (the thread root's id when it starts one) and how many attempts it took. */
  return async function post(
    token: string,
    channel: string,
    message: SlackMessage,
    placement: ThreadPlacement,
    options: ChatPostOptions,
  ): Promise<{ ts: string; attempts: number }> {
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
    const base = { channel, text: message.text, blocks: message.blocks, unfurl_links: false };
    const args: ChatPostMessageArguments = placement.threadTs
      ? { ...base, thread_ts: placement.threadTs, reply_broadcast: placement.broadcast ?? false }
      : base;
    const slack = await loadSlackWebApi();
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await clientFor(slack, token).chat.postMessage(args);
        if (!answer.ts) throw new SlackApiError('no_ts_in_answer');
        return { ts: answer.ts, attempts: attempt };
      } catch (error) {
        const seconds = rateLimitOf(error, slack);
        if (seconds === undefined) throw asSlackError(error, slack);
        const why = `Slack rate-limited chat.postMessage, Retry-After ${seconds} s`;
        if (seconds * 1000 + SAFETY_MARGIN_MS > options.remainingMs()) {
          throw new SlackRateLimitedError(`${why}: longer than this invocation has left`, seconds);
        }
        if (attempt >= (options.maxAttempts ?? 5)) throw new SlackRateLimitedError(`${why}; gave up`, seconds);
        options.onRetry?.(why, seconds * 1000, attempt);
        await sleep(seconds * 1000);
      }
    }
  };
}

function asSlackError(error: unknown, { ErrorCode }: SlackWebApi): Error {
  if (error instanceof SlackApiError) return error;
  const e = error as { code?: string; data?: { error?: string }; statusCode?: number; message?: string };
  if (e.code === ErrorCode.PlatformError) return new SlackApiError(e.data?.error ?? 'unknown', { cause: error });
  return new SlackWebhookError(`Slack chat.postMessage failed: ${e.message ?? String(error)}`, e.statusCode, {
    cause: error,
  });
}
