import type { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SlackApiServer, startSlackApiServer } from '#local/slack-api-server.js';
import { type SlackWebhookServer, startSlackWebhookServer } from '#local/slack-webhook-server.js';
import { snsEvent } from '#local/sns-events.js';
import type { SnsRecord } from '#shared/events/sns.js';
import { toChatbotNotification } from '#shared/notify/chatbot.js';
import { chatPoster, SlackApiError } from '#shared/slack/chat-api.js';
import { deliverToSlack } from '#shared/slack/deliver.js';
import { SlackWebhookError } from '#shared/slack/webhook.js';
import { taskStopAlert } from '#test/support/alerts.js';

const recordOf = (message: string, subject?: string) =>
  snsEvent(message, subject === undefined ? {} : { subject }).Records[0] as unknown as SnsRecord;
const alertRecord = () => recordOf(JSON.stringify(toChatbotNotification(taskStopAlert())));
const title = '🔴 prod/web: task a1b2c3d4 stopped (out of memory)';

function recordingLogger() {
  const logger = { info: vi.fn(), warn: vi.fn() };
  return { logger, as: logger as unknown as Logger };
}

describe('Function: deliverToSlack, to the incoming webhook', () => {
  let webhook: SlackWebhookServer;
  const sleep = vi.fn(async (_ms: number) => undefined);

  beforeAll(async () => {
    webhook = await startSlackWebhookServer();
  });

  afterEach(() => {
    webhook.received.length = 0;
    sleep.mockClear();
  });

  afterAll(() => webhook.stop());

  it('posts the alert as Block Kit and logs where, how many blocks and after how many attempts', async () => {
    // Prepare
    const { logger, as } = recordingLogger();
    const record = alertRecord();

    // Act
    await deliverToSlack(record, {
      readWebhookUrl: async () => new URL(webhook.url),
      logger: as,
      remainingMs: () => 900_000,
    });

    // Assess
    const body = webhook.received[0]?.body as { text: string; blocks: unknown[] };
    expect(body.text).toBe(title);
    expect(logger.info).toHaveBeenCalledWith(`posted to Slack: ${title}`, {
      snsMessageId: record.Sns.MessageId,
      webhook: `http://${new URL(webhook.url).host}/…`,
      blocks: body.blocks.length,
      attempts: 1,
    });
  });

  it('titles a message that is no alert by its subject, else as a message on the topic', async () => {
    // Act
    for (const subject of ['Posted by hand', undefined]) {
      await deliverToSlack(recordOf('hello', subject), {
        readWebhookUrl: async () => new URL(webhook.url),
        logger: recordingLogger().as,
        remainingMs: () => 900_000,
      });
    }

    // Assess
    expect(webhook.received.map((r) => (r.body as { text: string }).text)).toEqual([
      'Posted by hand',
      'Message on the ecs-autopilot alert topic',
    ]);
  });

  it('logs each wait for Slack, and waits with the sleep it is given', async () => {
    // Prepare
    const { logger, as } = recordingLogger();
    webhook.answerNext({ status: 503 });

    // Act
    await deliverToSlack(alertRecord(), {
      readWebhookUrl: async () => new URL(webhook.url),
      logger: as,
      remainingMs: () => 900_000,
      sleep,
    });

    // Assess
    expect(logger.warn).toHaveBeenCalledWith('Slack did not take the message yet: Slack answered 503; waiting 250 ms', {
      attempt: 1,
    });
    expect(sleep.mock.calls).toEqual([[250]]);
    expect(webhook.received).toHaveLength(2);
  });

  it.each([403, 404, 410])(
    'reads the webhook URL again once Slack answers %i, in case it was rotated',
    async (status) => {
      // Prepare
      const { logger, as } = recordingLogger();
      webhook.answerNext({ status });
      const readWebhookUrl = vi.fn(async (_options?: { forceFetch?: boolean }) => new URL(webhook.url));

      // Act
      await deliverToSlack(alertRecord(), { readWebhookUrl, logger: as, remainingMs: () => 900_000 });

      // Assess
      expect(readWebhookUrl.mock.calls).toEqual([[], [{ forceFetch: true }]]);
      expect(logger.warn).toHaveBeenCalledWith(
        `Slack answered ${status}: reading the webhook URL again in case it was rotated`,
      );
      expect(webhook.received).toHaveLength(2);
    },
  );

  it('fails at once on a refusal that a new URL cannot help', async () => {
    // Prepare
    webhook.answerNext({ status: 400, body: 'invalid_blocks' });
    const readWebhookUrl = vi.fn(async () => new URL(webhook.url));

    // Act
    const error = await deliverToSlack(alertRecord(), {
      readWebhookUrl,
      logger: recordingLogger().as,
      remainingMs: () => 900_000,
    }).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect(error.status).toBe(400);
    expect(readWebhookUrl).toHaveBeenCalledTimes(1);
  });

  it('says so when neither a webhook nor a bot token is set up', async () => {
    // Act
    const error = await deliverToSlack(alertRecord(), {
      logger: recordingLogger().as,
      remainingMs: () => 900_000,
    }).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect(error.message).toBe('neither a webhook URL nor a bot token is set up');
  });
});

describe('Function: deliverToSlack, with the bot token', () => {
  let api: SlackApiServer;

  beforeAll(async () => {
    api = await startSlackApiServer();
  });

  afterEach(() => {
    api.posts.length = 0;
  });

  afterAll(() => api.stop());

  it('posts to the channel and logs where the message went', async () => {
    // Prepare
    const { logger, as } = recordingLogger();
    const record = alertRecord();
    const chat = { channel: 'C0ALERTS', readToken: async () => api.token, post: chatPoster(api.url) };

    // Act
    await deliverToSlack(record, { chat, logger: as, remainingMs: () => 900_000 });

    // Assess
    expect(api.posts.map((p) => [p.channel, p.text])).toEqual([['C0ALERTS', title]]);
    expect(logger.info).toHaveBeenCalledWith(`posted to Slack: ${title}`, {
      snsMessageId: record.Sns.MessageId,
      ts: api.posts[0]?.ts,
      broadcast: false,
      attempts: 1,
    });
  });

  it('reads a stale token again once, and posts with the new one', async () => {
    // Prepare
    const { logger, as } = recordingLogger();
    const readToken = vi.fn(async (options?: { forceFetch?: boolean }) =>
      options?.forceFetch ? api.token : 'xoxb-rotated-away',
    );
    const chat = { channel: 'C0ALERTS', readToken, post: chatPoster(api.url) };

    // Act
    await deliverToSlack(alertRecord(), { chat, logger: as, remainingMs: () => 900_000 });

    // Assess
    expect(readToken.mock.calls).toEqual([[], [{ forceFetch: true }]]);
    expect(logger.warn).toHaveBeenCalledWith(
      'Slack answered invalid_auth: reading the bot token again in case it was rotated',
    );
    expect(api.posts).toHaveLength(1);
    expect(logger.info).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ attempts: 1 }));
  });

  it('does not read the token again for a refusal a new token cannot help', async () => {
    // Prepare
    api.answerNext({ status: 200, body: { ok: false, error: 'channel_not_found' } });
    const readToken = vi.fn(async () => api.token);
    const chat = { channel: 'C0GONE', readToken, post: chatPoster(api.url) };

    // Act
    const error = await deliverToSlack(alertRecord(), {
      chat,
      logger: recordingLogger().as,
      remainingMs: () => 900_000,
    }).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackApiError);
    expect(error.code).toBe('channel_not_found');
    expect(readToken).toHaveBeenCalledTimes(1);
  });

  it('waits out a rate limit of the Web API with the sleep it is given, within the time left, logging the wait', async () => {
    // Prepare
    const { logger, as } = recordingLogger();
    const sleep = vi.fn(async (_ms: number) => undefined);
    api.answerNext({ status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '2' } });
    const chat = { channel: 'C0ALERTS', readToken: async () => api.token, post: chatPoster(api.url) };

    // Act
    await deliverToSlack(alertRecord(), { chat, logger: as, remainingMs: () => 900_000, sleep });

    // Assess
    expect(sleep.mock.calls).toEqual([[2_000]]);
    expect(logger.warn).toHaveBeenCalledWith(
      'Slack did not take the message yet: Slack rate-limited chat.postMessage, Retry-After 2 s; waiting 2000 ms',
      { attempt: 1 },
    );
    expect(api.posts).toHaveLength(1);
  });
});
