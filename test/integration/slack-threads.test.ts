import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SlackApiServer, startSlackApiServer } from '#local/slack-api-server.js';
import { snsEvent } from '#local/sns-events.js';
import type { Alert } from '#shared/notify/alert.js';
import { toChatbotNotification } from '#shared/notify/chatbot.js';
import { alertAttributes } from '#shared/notify/publish.js';
import { ensureStateTable } from '#shared/state/index.js';
import { taskStopAlert } from '#test/support/alerts.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { lambdaContext } from '../../cli/replay.js';

// Through our proxy, which hands DynamoDB one call at a time: moto alone lets two racing conditional writes both win.
const proxy = await useMotoProxy();
const PARAMETER = '/ecs-autopilot/test/slack-bot-token';
const TABLE = 'ecs-autopilot-test-slack-threads';
const CHANNEL = 'C0LOCAL0001';

/** A fresh container of the Slack function in bot-token mode, logging at DEBUG. */
async function coldSlackNotifier(slack: SlackApiServer) {
  vi.resetModules();
  delete process.env.SLACK_WEBHOOK_URL_PARAMETER;
  Object.assign(process.env, {
    SLACK_BOT_TOKEN_PARAMETER: PARAMETER,
    SLACK_CHANNEL: CHANNEL,
    SLACK_API_URL: slack.url,
    STATE_TABLE_NAME: TABLE,
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
  });
  const { handler } = await import('#functions/slack-notifier/handler.js');
  return (alert: Alert) => {
    const event = snsEvent(JSON.stringify(toChatbotNotification(alert)), {
      subject: alert.title,
      attributes: alertAttributes(alert),
    });
    return handler(event as never, lambdaContext('slack-notifier'));
  };
}

/** The n-th message of one incident's thread (a group's summary), at the given severity. */
const groupMessage = (n: number, severity: Alert['severity'] = 'warning', incident = 'ecs-task-stops/prod/web/1') =>
  taskStopAlert({ incidentId: incident, dedupKey: `${incident}#${n}`, severity, title: `prod/web: message ${n}` });

describe('Function: slack-notifier, bot-token mode', () => {
  let slack: SlackApiServer;
  let logs: string[];

  beforeAll(async () => {
    slack = await startSlackApiServer();
  });

  afterAll(async () => {
    await slack.stop();
    for (const name of ['SLACK_BOT_TOKEN_PARAMETER', 'SLACK_CHANNEL', 'SLACK_API_URL']) delete process.env[name];
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  });

  beforeEach(async () => {
    slack.posts.length = 0;
    slack.delayMs = 0;
    const ssm = new SSMClient({ endpoint: proxy.endpoint, region: 'us-east-1' });
    await ssm.send(
      new PutParameterCommand({ Name: PARAMETER, Type: 'SecureString', Value: slack.token, Overwrite: true }),
    );
    await ensureStateTable(new DynamoDBClient({ endpoint: proxy.endpoint, region: 'us-east-1' }), TABLE);
    logs = [];
    const capture = (chunk: unknown) => logs.push(String(chunk)) > 0;
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('posts the first message of an incident as the thread root and the next ones under its ts', async () => {
    // Prepare
    const post = await coldSlackNotifier(slack);

    // Act
    await post(groupMessage(1));
    await post(groupMessage(2));
    await (await coldSlackNotifier(slack))(groupMessage(3));

    // Assess
    const [root, ...replies] = slack.posts;
    expect(root?.threadTs).toBeUndefined();
    expect(root?.channel).toBe(CHANNEL);
    expect(replies.map((r) => r.threadTs)).toEqual([root?.ts, root?.ts]);
    expect(slack.posts.map((p) => p.text)).toEqual([
      '🟠 prod/web: message 1',
      '🟠 prod/web: message 2',
      '🟠 prod/web: message 3',
    ]);
    expect(logs.filter((line) => line.includes(slack.token))).toEqual([]);
    expect(Object.values(process.env).filter((value) => value?.includes(slack.token))).toEqual([]);
  });

  it('keeps one thread per account and region: a same-named service elsewhere with the same incident id is another thread', async () => {
    // Prepare
    const post = await coldSlackNotifier(slack);
    const elsewhere = (n: number) => ({ ...groupMessage(n, 'warning', 'incident-b'), account: '222222222222' });

    // Act
    await post(groupMessage(1, 'warning', 'incident-b'));
    await post(elsewhere(2));
    await post(groupMessage(3, 'warning', 'incident-b'));
    await post(elsewhere(4));

    // Assess
    const [home, member, homeReply, memberReply] = slack.posts;
    expect([home?.threadTs, member?.threadTs]).toEqual([undefined, undefined]);
    expect(home?.ts).not.toBe(member?.ts);
    expect(homeReply?.threadTs).toBe(home?.ts);
    expect(memberReply?.threadTs).toBe(member?.ts);
  });

  it('ends two concurrent first messages of one incident with one thread root', async () => {
    // Prepare: two containers, and a Slack slow enough that both first sends overlap.
    const one = await coldSlackNotifier(slack);
    const other = await coldSlackNotifier(slack);
    slack.delayMs = 300;

    // Act
    await Promise.all([one(groupMessage(1, 'warning', 'incident-a')), other(groupMessage(2, 'warning', 'incident-a'))]);

    // Assess
    const roots = slack.posts.filter((p) => p.threadTs === undefined);
    expect(roots).toHaveLength(1);
    expect(slack.posts.filter((p) => p.threadTs === roots[0]?.ts)).toHaveLength(1);
  });

  it('shows a reply in the channel too when its severity is above what the thread told so far', async () => {
    // Prepare
    const post = await coldSlackNotifier(slack);

    // Act
    await post(groupMessage(1, 'warning', 'incident-b'));
    await post(groupMessage(2, 'critical', 'incident-b'));
    await post(groupMessage(3, 'critical', 'incident-b'));

    // Assess
    expect(slack.posts.map((p) => p.replyBroadcast)).toEqual([false, true, false]);
  });

  it('waits out a 429 and an ok:false ratelimited answer for as long as their Retry-After says', async () => {
    // Prepare
    const post = await coldSlackNotifier(slack);
    slack.answerNext(
      { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '1' } },
      { status: 200, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '1' } },
    );
    const started = Date.now();

    // Act
    await post(groupMessage(1, 'warning', 'incident-c'));

    // Assess
    expect(slack.posts).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(logs.some((line) => line.includes('Retry-After 1 s'))).toBe(true);
  });

  it('posts the root at once on the retry of a first message whose post failed', async () => {
    // Prepare
    const post = await coldSlackNotifier(slack);
    slack.answerNext({ status: 200, body: { ok: false, error: 'internal_error' } });
    await post(groupMessage(1, 'warning', 'incident-e')).catch(() => undefined);
    const started = Date.now();

    // Act
    await post(groupMessage(1, 'warning', 'incident-e'));

    // Assess
    expect(slack.posts.map((p) => p.threadTs)).toEqual([undefined]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails on an ok:false answer that retrying cannot help, naming the error and not the token', async () => {
    // Prepare
    const post = await coldSlackNotifier(slack);
    slack.answerNext({ status: 200, body: { ok: false, error: 'channel_not_found' } });

    // Act
    const outcome = post(groupMessage(1, 'warning', 'incident-d'));

    // Assess
    await expect(outcome).rejects.toThrow(/channel_not_found/);
    expect(slack.posts).toHaveLength(0);
    expect(logs.filter((line) => line.includes(slack.token))).toEqual([]);
  });
});
