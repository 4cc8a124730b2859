import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SlackMessage } from '#shared/slack/message.js';
import {
  postToWebhook,
  retryAfterSeconds,
  SlackRateLimitedError,
  SlackWebhookError,
  webhookHost,
} from '#shared/slack/webhook.js';

/** A webhook on loopback answering each request from a script (then 200 ok), recording what it was sent. */
async function scriptedWebhook() {
  const answers: { status: number; body?: string; headers?: Record<string, string>; hang?: boolean }[] = [];
  const requests: { method: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    requests.push({ method: request.method ?? '', headers: request.headers, body: Buffer.concat(chunks).toString() });
    const answer = answers.shift() ?? { status: 200, body: 'ok' };
    if (answer.hang) return;
    response.writeHead(answer.status, answer.headers).end(answer.body ?? '');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/services/T1/B1/secret`),
    answers,
    requests,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

const message: SlackMessage = { text: 'prod/web: task stopped', blocks: [{ type: 'divider' }] };

describe('Function: retryAfterSeconds', () => {
  it('reads seconds, never below zero, and an HTTP date as the seconds until it, rounded up', () => {
    // Prepare
    const now = Date.parse('2026-11-26T12:00:00Z');

    // Act
    const seconds = [
      retryAfterSeconds('7', now),
      retryAfterSeconds('-3', now),
      retryAfterSeconds('Thu, 26 Nov 2026 12:00:10 GMT', now),
      retryAfterSeconds('Thu, 26 Nov 2026 12:00:10 GMT', now + 8_500),
      retryAfterSeconds('Thu, 26 Nov 2026 11:59:00 GMT', now),
    ];

    // Assess
    expect(seconds).toEqual([7, 0, 10, 2, 0]);
  });

  it('waits one second when Slack says nothing or nothing readable', () => {
    // Act
    const seconds = [null, '', '  ', 'soon'].map((header) => retryAfterSeconds(header));

    // Assess
    expect(seconds).toEqual([1, 1, 1, 1]);
  });
});

describe('Function: postToWebhook', () => {
  let webhook: Awaited<ReturnType<typeof scriptedWebhook>>;
  const sleep = vi.fn(async (_ms: number) => undefined);
  const onRetry = vi.fn();
  const patient = { remainingMs: () => 900_000, sleep, onRetry };

  beforeAll(async () => {
    webhook = await scriptedWebhook();
  });

  afterEach(() => {
    webhook.answers.length = 0;
    webhook.requests.length = 0;
    sleep.mockClear();
    onRetry.mockClear();
  });

  afterAll(() => webhook.stop());

  it('posts the message as JSON and counts one attempt', async () => {
    // Act
    const attempts = await postToWebhook(webhook.url, message, patient);

    // Assess
    expect(attempts).toBe(1);
    expect(webhook.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        headers: expect.objectContaining({ 'content-type': 'application/json' }),
        body: JSON.stringify(message),
      }),
    ]);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('waits out a 429 for the seconds Slack asks, saying why, then posts again', async () => {
    // Prepare
    webhook.answers.push({ status: 429, headers: { 'retry-after': '3' } });

    // Act
    const attempts = await postToWebhook(webhook.url, message, patient);

    // Assess
    expect(attempts).toBe(2);
    expect(onRetry).toHaveBeenCalledWith('Slack answered 429, Retry-After 3 s', 3_000, 1);
    expect(sleep.mock.calls).toEqual([[3_000]]);
  });

  it('hands a 429 back when its wait and two seconds to spare exceed the time left', async () => {
    // Prepare
    webhook.answers.push({ status: 429, headers: { 'retry-after': '3' } });

    // Act
    const error = await postToWebhook(webhook.url, message, { ...patient, remainingMs: () => 4_999 }).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackRateLimitedError);
    expect(error).toMatchObject({
      name: 'SlackRateLimitedError',
      status: 429,
      retryAfterSeconds: 3,
      message: 'Slack answered 429, Retry-After 3 s: longer than this invocation has left',
    });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('waits out a 429 that leaves exactly two seconds to spare', async () => {
    // Prepare
    webhook.answers.push({ status: 429, headers: { 'retry-after': '3' } });

    // Act
    const attempts = await postToWebhook(webhook.url, message, { ...patient, remainingMs: () => 5_000 });

    // Assess
    expect(attempts).toBe(2);
  });

  it('retries 5xx with a doubling backoff capped at eight seconds, and gives up after the attempts allowed', async () => {
    // Prepare
    for (let i = 0; i < 8; i++) webhook.answers.push({ status: i % 2 ? 500 : 503 });

    // Act
    const error = await postToWebhook(webhook.url, message, { ...patient, maxAttempts: 8 }).catch((e) => e);

    // Assess
    expect(sleep.mock.calls.flat()).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(onRetry).toHaveBeenNthCalledWith(1, 'Slack answered 503', 250, 1);
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect(error).toMatchObject({ status: 500, message: 'Slack answered 500; gave up after 8 attempts' });
    expect(webhook.requests).toHaveLength(8);
  });

  it('makes five attempts unless told otherwise', async () => {
    // Prepare
    for (let i = 0; i < 6; i++) webhook.answers.push({ status: 502 });

    // Act
    const error = await postToWebhook(webhook.url, message, patient).catch((e) => e);

    // Assess
    expect(error.message).toBe('Slack answered 502; gave up after 5 attempts');
    expect(webhook.requests).toHaveLength(5);
  });

  it('stops retrying a 5xx when no time is left for the next attempt', async () => {
    // Prepare
    webhook.answers.push({ status: 503 });

    // Act
    const error = await postToWebhook(webhook.url, message, { ...patient, remainingMs: () => 2_249 }).catch((e) => e);

    // Assess
    expect(error).not.toBeInstanceOf(SlackRateLimitedError);
    expect(error).toMatchObject({ status: 503, message: 'Slack answered 503; no time left for attempt 2' });
  });

  it('fails at once on a refusal, naming the webhook by its host and quoting the start of the answer', async () => {
    // Prepare
    webhook.answers.push({ status: 499, body: `invalid_blocks ${'x'.repeat(300)}` });

    // Act
    const error = await postToWebhook(webhook.url, message, patient).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect(error.name).toBe('SlackWebhookError');
    expect(error.status).toBe(499);
    expect(error.message).toBe(
      `Slack webhook http://${webhook.url.host}/… answered 499 invalid_blocks ${'x'.repeat(185)}`,
    );
    expect(error.message).not.toContain('secret');
    expect(webhook.requests).toHaveLength(1);
  });

  it('ends the message of a refusal without a body at its status', async () => {
    // Prepare
    webhook.answers.push({ status: 403 });

    // Act
    const error = await postToWebhook(webhook.url, message, patient).catch((e) => e);

    // Assess
    expect(error.message).toBe(`Slack webhook http://${webhook.url.host}/… answered 403`);
  });

  it('retries a webhook it cannot reach, saying why, and gives up with no status', async () => {
    // Prepare
    const closed = await scriptedWebhook();
    await closed.stop();

    // Act
    const error = await postToWebhook(closed.url, message, { ...patient, maxAttempts: 2 }).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(
      new RegExp(
        `^Slack webhook http://${closed.url.host}/… could not be reached \\(fetch failed: ECONNREFUSED\\); gave up after 2 attempts$`,
      ),
    );
    expect(sleep.mock.calls).toEqual([[250]]);
  });

  it('gives up on an attempt Slack does not answer in time', async () => {
    // Prepare
    webhook.answers.push({ status: 200, hang: true });

    // Act
    const error = await postToWebhook(webhook.url, message, { ...patient, maxAttempts: 1, timeoutMs: 100 }).catch(
      (e) => e,
    );

    // Assess
    expect(error.message).toMatch(/could not be reached \(The operation was aborted due to timeout\); gave up after 1/);
  });

  it('waits with a real timer when no sleep is given', async () => {
    // Prepare
    webhook.answers.push({ status: 429, headers: { 'retry-after': '0' } });

    // Act
    const attempts = await postToWebhook(webhook.url, message, { remainingMs: () => 900_000 });

    // Assess
    expect(attempts).toBe(2);
  });
});

describe('Function: webhookHost', () => {
  it('names a webhook by its scheme and host alone, never its secret path', () => {
    // Act
    const host = webhookHost(new URL('https://hooks.slack.com/services/T0/B0/secret'));

    // Assess
    expect(host).toBe('https://hooks.slack.com/…');
  });
});
