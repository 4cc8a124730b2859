import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SlackApiServer, startSlackApiServer } from '#local/slack-api-server.js';
import { groupingDefaults } from '#shared/config/notifications.js';
import { groupingFromEnv } from '#shared/notify/grouping/wiring.js';
import { slackDeliveryFromEnv } from '#shared/slack/wiring.js';
import { StateStore } from '#shared/state/index.js';

const dynamodb = new DynamoDBClient({ region: 'us-east-1' });
const sqs = new SQSClient({ region: 'us-east-1' });
const HOOK = 'https://hooks.slack.com/services/T000/B000/XXXX';

/** An SSM provider that answers every name with `value`, recording what it was asked. */
function ssmAnswering(value: string) {
  const get = vi.fn(async (_name: string, _options?: object) => value);
  return { get, ssm: { get } as unknown as SSMProvider };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Function: slackDeliveryFromEnv', () => {
  let api: SlackApiServer;

  beforeAll(async () => {
    api = await startSlackApiServer();
  });

  afterAll(() => api.stop());

  it('posts to the incoming webhook whose URL the named parameter holds when no channel is set', async () => {
    // Prepare
    const { get, ssm } = ssmAnswering(HOOK);

    // Act
    const delivery = slackDeliveryFromEnv({ ssm, dynamodb }, { SLACK_WEBHOOK_URL_PARAMETER: '/p/webhook' });

    // Assess
    expect(delivery.chat).toBeUndefined();
    expect((await delivery.readWebhookUrl?.())?.href).toBe(HOOK);
    expect(get.mock.calls[0]?.[0]).toBe('/p/webhook');
  });

  it('posts with the bot token to the channel and the API named, keeping threads in the state table', async () => {
    // Prepare
    vi.stubEnv('STATE_TABLE_NAME', 'ecs-autopilot-test-state');
    const { get, ssm } = ssmAnswering(api.token);
    const env = {
      SLACK_CHANNEL: 'C0ALERTS',
      SLACK_BOT_TOKEN_PARAMETER: '/p/token',
      SLACK_API_URL: api.url,
      STATE_TABLE_NAME: 'ecs-autopilot-test-state',
    };

    // Act
    const { chat, readWebhookUrl } = slackDeliveryFromEnv({ ssm, dynamodb }, env);

    // Assess
    expect(readWebhookUrl).toBeUndefined();
    expect(chat?.channel).toBe('C0ALERTS');
    expect(chat?.threads).toBeInstanceOf(StateStore);
    const token = await chat?.readToken();
    expect(get.mock.calls[0]?.[0]).toBe('/p/token');
    await chat?.post(token ?? '', 'C0ALERTS', { text: 't', blocks: [] }, {}, { remainingMs: () => 60_000 });
    expect(api.posts.map((p) => p.text)).toEqual(['t']);
  });

  it('makes every message a thread root of its own without a state table', () => {
    // Prepare
    const chatEnv = { SLACK_CHANNEL: 'C0ALERTS', SLACK_BOT_TOKEN_PARAMETER: '/p/token' };

    // Act
    const chats = [{ ...chatEnv, STATE_TABLE_NAME: '  ' }, chatEnv].map(
      (env) => slackDeliveryFromEnv({ ssm: ssmAnswering('x').ssm, dynamodb }, env).chat,
    );

    // Assess
    for (const chat of chats) {
      expect(chat?.channel).toBe('C0ALERTS');
      expect(chat && 'threads' in chat).toBe(false);
    }
  });
});

describe('Function: groupingFromEnv', () => {
  it('is off when no flush queue is named', () => {
    // Act
    const wirings = [{}, { ALERT_FLUSH_QUEUE_URL: '  ' }].map((env) =>
      groupingFromEnv({ dynamodb, sqs }, groupingDefaults, env),
    );

    // Assess
    expect(wirings).toEqual([undefined, undefined]);
  });

  it('groups in the state table, asking for flushes on the named queue', () => {
    // Prepare
    vi.stubEnv('STATE_TABLE_NAME', 'ecs-autopilot-test-state');
    const url = 'https://sqs.us-east-1.amazonaws.com/111122223333/flush';

    // Act
    const wiring = groupingFromEnv({ dynamodb, sqs }, groupingDefaults, { ALERT_FLUSH_QUEUE_URL: ` ${url} ` });

    // Assess
    expect(wiring).toMatchObject({ sqs, flushQueueUrl: url, options: groupingDefaults });
    expect(wiring?.store).toBeInstanceOf(StateStore);
  });
});
