import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SlackApiServer, startSlackApiServer } from '#local/slack-api-server.js';
import { chatPoster, SlackApiError, staleTokenErrors } from '#shared/slack/chat-api.js';
import type { SlackMessage } from '#shared/slack/message.js';
import { SlackRateLimitedError, SlackWebhookError } from '#shared/slack/webhook.js';

const message: SlackMessage = {
  text: 'prod/web: task stopped',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }],
};

describe('Function: chatPoster', () => {
  let slack: SlackApiServer;
  let post: ReturnType<typeof chatPoster>;
  const sleep = vi.fn(async (_ms: number) => undefined);
  const onRetry = vi.fn();
  const patient = { remainingMs: () => 900_000, sleep, onRetry };

  beforeAll(async () => {
    slack = await startSlackApiServer();
    post = chatPoster(slack.url);
  });

  afterEach(() => {
    slack.posts.length = 0;
    sleep.mockClear();
    onRetry.mockClear();
  });

  afterAll(() => slack.stop());

  it('posts a thread root to the channel and returns its ts', async () => {
    // Act
    const sent = await post(slack.token, 'C0ALERTS', message, {}, patient);

    // Assess
    expect(sent).toEqual({ ts: slack.posts[0]?.ts, attempts: 1 });
    expect(slack.posts).toEqual([
      { channel: 'C0ALERTS', text: message.text, blocks: message.blocks, replyBroadcast: false, ts: sent.ts },
    ]);
  });

  it('replies under a thread, shown in the channel only when asked', async () => {
    // Act
    await post(slack.token, 'C0ALERTS', message, { threadTs: '1.000001' }, patient);
    await post(slack.token, 'C0ALERTS', message, { threadTs: '1.000001', broadcast: true }, patient);

    // Assess
    expect(slack.posts.map((p) => [p.threadTs, p.replyBroadcast])).toEqual([
      ['1.000001', false],
      ['1.000001', true],
    ]);
  });

  it('waits out a rate limit for the seconds Slack asks, saying why, then posts', async () => {
    // Prepare
    slack.answerNext({ status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '4' } });

    // Act
    const sent = await post(slack.token, 'C0ALERTS', message, {}, patient);

    // Assess
    expect(sent.attempts).toBe(2);
    expect(onRetry).toHaveBeenCalledWith('Slack rate-limited chat.postMessage, Retry-After 4 s', 4_000, 1);
    expect(sleep.mock.calls).toEqual([[4_000]]);
    expect(slack.posts).toHaveLength(1);
  });

  it('reads an ok:false ratelimited answer as a rate limit of one second', async () => {
    // Prepare
    slack.answerNext({ status: 200, body: { ok: false, error: 'ratelimited' } });

    // Act
    const sent = await post(slack.token, 'C0ALERTS', message, {}, patient);

    // Assess
    expect(sent.attempts).toBe(2);
    expect(sleep.mock.calls).toEqual([[1_000]]);
  });

  it('hands a rate limit back when its wait and two seconds to spare exceed the time left', async () => {
    // Prepare
    slack.answerNext({ status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '4' } });

    // Act
    const error = await post(slack.token, 'C0ALERTS', message, {}, { ...patient, remainingMs: () => 5_999 }).catch(
      (e) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(SlackRateLimitedError);
    expect(error).toMatchObject({
      retryAfterSeconds: 4,
      message: 'Slack rate-limited chat.postMessage, Retry-After 4 s: longer than this invocation has left',
    });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('waits out a rate limit that leaves exactly two seconds to spare', async () => {
    // Prepare
    slack.answerNext({ status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '4' } });

    // Act
    const sent = await post(slack.token, 'C0ALERTS', message, {}, { ...patient, remainingMs: () => 6_000 });

    // Assess
    expect(sent.attempts).toBe(2);
  });

  it('gives up after the attempts allowed, five unless told otherwise', async () => {
    // Prepare
    const limited = { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '1' } };
    slack.answerNext(limited, limited, limited, limited, limited, limited, limited);

    // Act
    const twice = await post(slack.token, 'C0', message, {}, { ...patient, maxAttempts: 2 }).catch((e) => e);
    const fivefold = await post(slack.token, 'C0', message, {}, patient).catch((e) => e);

    // Assess
    expect(twice).toBeInstanceOf(SlackRateLimitedError);
    expect(twice.message).toBe('Slack rate-limited chat.postMessage, Retry-After 1 s; gave up');
    expect(fivefold).toBeInstanceOf(SlackRateLimitedError);
    expect(sleep).toHaveBeenCalledTimes(1 + 4);
    expect(slack.posts).toHaveLength(0);
  });

  it('names the error code of an ok:false answer', async () => {
    // Prepare
    slack.answerNext({ status: 200, body: { ok: false, error: 'channel_not_found' } });

    // Act
    const error = await post(slack.token, 'C0', message, {}, patient).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackApiError);
    expect(error).toMatchObject({
      name: 'SlackApiError',
      code: 'channel_not_found',
      message: 'Slack chat.postMessage answered ok:false, error channel_not_found',
    });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('refuses a token Slack does not know, without naming the token', async () => {
    // Act
    const error = await post('xoxb-1-unknown', 'C0', message, {}, patient).catch((e) => e);

    // Assess
    expect(error).toMatchObject({ code: 'invalid_auth' });
    expect(staleTokenErrors.has(error.code)).toBe(true);
    expect(JSON.stringify({ message: error.message })).not.toContain('xoxb');
  });

  it('takes an answer without a ts as a failure', async () => {
    // Prepare
    slack.answerNext({ status: 200, body: { ok: true } });

    // Act
    const error = await post(slack.token, 'C0', message, {}, patient).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackApiError);
    expect(error.code).toBe('no_ts_in_answer');
  });

  it('fails with the HTTP status after the client retried a server error', async () => {
    // Prepare
    const broken = { status: 500, body: { ok: false } };
    slack.answerNext(broken, broken, broken);

    // Act
    const error = await post(slack.token, 'C0', message, {}, patient).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect(error).not.toBeInstanceOf(SlackApiError);
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/^Slack chat\.postMessage failed: .*500/);
    expect(error.cause).toBeDefined();
  });

  it('hands a rate limit back from a new client at once rather than waiting inside it', async () => {
    // Prepare
    const fresh = chatPoster(slack.url);
    slack.answerNext({ status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '30' } });

    // Act
    const error = await fresh(slack.token, 'C0', message, {}, { ...patient, remainingMs: () => 10_000 }).catch(
      (e) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(SlackRateLimitedError);
    expect(error.retryAfterSeconds).toBe(30);
  });

  it('lets a new client retry a server error twice, then names the HTTP error', async () => {
    // Prepare
    const fresh = chatPoster(slack.url);
    const broken = { status: 500, body: { ok: false } };
    slack.answerNext(broken, broken, broken);
    const refusedBefore = slack.refused;

    // Act
    const error = await fresh(slack.token, 'C0', message, {}, patient).catch((e) => e);

    // Assess
    expect(slack.refused - refusedBefore).toBe(3);
    expect(error.message).toBe('Slack chat.postMessage failed: An HTTP protocol error occurred: statusCode = 500');
  });

  it('waits out a rate limit with a real timer, and without anyone to tell', async () => {
    // Prepare
    slack.answerNext({ status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '1' } });
    const started = Date.now();

    // Act
    const sent = await post(slack.token, 'C0', message, {}, { remainingMs: () => 900_000 });

    // Assess
    expect(sent.attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('names an ok:false answer without an error code as unknown, keeping the answer as its cause', async () => {
    // Prepare
    slack.answerNext({ status: 200, body: { ok: false } });

    // Act
    const error = await post(slack.token, 'C0', message, {}, patient).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackApiError);
    expect(error.code).toBe('unknown');
    expect(error.cause).toMatchObject({ data: { ok: false } });
  });
});
