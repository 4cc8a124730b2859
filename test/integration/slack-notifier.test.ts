import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SectionBlock } from '@slack/types';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { type SlackWebhookServer, startSlackWebhookServer } from '#local/slack-webhook-server.js';
import { snsEvent } from '#local/sns-events.js';
import { toChatbotNotification } from '#shared/notify/chatbot.js';
import { alertAttributes } from '#shared/notify/publish.js';
import type { SlackMessage } from '#shared/slack/message.js';
import { taskStopAlert } from '#test/support/alerts.js';
import { lambdaContext } from '../../cli/replay.js';

const endpoint = inject('motoEndpoint');
const PARAMETER = '/ecs-autopilot/test/slack-webhook-url';

/** Everything written to stdout and stderr while a test runs: the function's log lines. */
function captureOutput() {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return lines;
}

/** A fresh container of the Slack function, logging at DEBUG, reading its webhook URL from the given source. */
async function coldSlackNotifier(env: Record<string, string>) {
  vi.resetModules();
  delete process.env.SLACK_WEBHOOK_URL_PARAMETER;
  Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: 'DEBUG' });
  const { handler } = await import('#functions/slack-notifier/handler.js');
  const { awsCalls } = await import('#shared/aws/call-meter.js');
  const invoke = (event: unknown) => handler(event as never, lambdaContext('slack-notifier'));
  return { invoke, awsCalls };
}

async function putSecureString(value: string) {
  const ssm = new SSMClient({ endpoint, region: 'us-east-1' });
  await ssm.send(new PutParameterCommand({ Name: PARAMETER, Type: 'SecureString', Value: value, Overwrite: true }));
}

const alertEvent = () => {
  const alert = taskStopAlert();
  return snsEvent(JSON.stringify(toChatbotNotification(alert)), {
    subject: alert.title,
    attributes: alertAttributes(alert),
  });
};

describe('Function: slack-notifier', () => {
  let slack: SlackWebhookServer;
  let logs: string[];

  beforeAll(async () => {
    slack = await startSlackWebhookServer();
  });

  afterAll(async () => {
    await slack.stop();
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  });

  beforeEach(() => {
    slack.received.length = 0;
    logs = captureOutput();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** The webhook URL and its secret path appear in no log line and in no environment variable. */
  function expectSecretKept() {
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.filter((line) => line.includes(slack.token))).toEqual([]);
    expect(Object.entries(process.env).filter(([, value]) => value?.includes(slack.token))).toEqual([]);
  }

  it('posts an alert as Block Kit to the webhook whose URL it reads from an SSM SecureString, and never logs it', async () => {
    // Prepare
    await putSecureString(slack.url);
    const { invoke } = await coldSlackNotifier({ SLACK_WEBHOOK_URL_PARAMETER: PARAMETER });

    // Act
    await invoke(alertEvent());

    // Assess
    expect(slack.received).toHaveLength(1);
    const posted = slack.received[0]?.body as SlackMessage;
    expect(posted.text).toBe('🔴 prod/web: task a1b2c3d4 stopped (out of memory)');
    expect(posted.blocks[0]).toMatchObject({ type: 'header', text: { text: posted.text } });
    expect((posted.blocks[1] as SectionBlock).fields).toContainEqual({ type: 'mrkdwn', text: '*Service*\nweb' });
    expect(logs.some((line) => line.includes('posted to Slack') && line.includes('http://127.0.0.1'))).toBe(true);
    expectSecretKept();
  });

  it('reads the URL from a parameter holding {"url": …} as well', async () => {
    // Prepare
    await putSecureString(JSON.stringify({ url: slack.url }));
    const { invoke } = await coldSlackNotifier({ SLACK_WEBHOOK_URL_PARAMETER: PARAMETER });

    // Act
    await invoke(alertEvent());

    // Assess
    expect(slack.received).toHaveLength(1);
    expectSecretKept();
  });

  it('reads the URL once per container, not once per message', async () => {
    // Prepare
    await putSecureString(slack.url);
    const { invoke, awsCalls } = await coldSlackNotifier({ SLACK_WEBHOOK_URL_PARAMETER: PARAMETER });

    // Act
    await invoke(alertEvent());
    await invoke(alertEvent());
    await invoke(alertEvent());

    // Assess
    expect(slack.received).toHaveLength(3);
    expect(awsCalls.snapshot()).toEqual({ 'SSM.GetParameter': 1 });
  });

  it('waits as long as Retry-After says when Slack answers 429, then delivers the message once', async () => {
    // Prepare
    await putSecureString(slack.url);
    slack.answerNext({ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } });
    const { invoke } = await coldSlackNotifier({ SLACK_WEBHOOK_URL_PARAMETER: PARAMETER });

    // Act
    await invoke(alertEvent());

    // Assess
    expect(slack.received).toHaveLength(2);
    const [first, second] = slack.received;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect(second?.body).toEqual(first?.body);
    expect(logs.some((line) => line.includes('Retry-After 1 s'))).toBe(true);
    expectSecretKept();
  });

  it('fails the invocation when Retry-After is longer than the invocation has left, so Lambda retries it later', async () => {
    // Prepare
    await putSecureString(slack.url);
    slack.answerNext({ status: 429, body: 'rate_limited', headers: { 'retry-after': '120' } });
    const { invoke } = await coldSlackNotifier({ SLACK_WEBHOOK_URL_PARAMETER: PARAMETER });

    // Act
    const outcome = invoke(alertEvent());

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'SlackRateLimitedError', retryAfterSeconds: 120 });
    expect(slack.received).toHaveLength(1);
  });

  it('fails a message Slack refuses, naming the webhook by its host only, after reading the URL once more', async () => {
    // Prepare
    await putSecureString(slack.url.replace(slack.token, `${slack.token}-revoked`));
    const { invoke, awsCalls } = await coldSlackNotifier({ SLACK_WEBHOOK_URL_PARAMETER: PARAMETER });

    // Act
    const error = await invoke(alertEvent()).catch((e: unknown) => e as Error);

    // Assess
    expect(error).toMatchObject({ name: 'SlackWebhookError', status: 404 });
    expect((error as Error).message).toMatch(/^Slack webhook http:\/\/127\.0\.0\.1:\d+\/… answered 404 no_service$/);
    expect(JSON.stringify(error)).not.toContain(slack.token);
    expect((error as Error).stack).not.toContain(slack.token);
    expect(awsCalls.snapshot()).toEqual({ 'SSM.GetParameter': 2 });
    expectSecretKept();
  });

  it('fails without the URL in the error when the webhook cannot be reached', async () => {
    // Prepare
    const gone = await startSlackWebhookServer();
    await gone.stop();
    await putSecureString(gone.url);
    const { invoke } = await coldSlackNotifier({ SLACK_WEBHOOK_URL_PARAMETER: PARAMETER });

    // Act
    const error = await invoke(alertEvent()).catch((e: unknown) => e as Error);

    // Assess
    expect(error).toMatchObject({ name: 'SlackWebhookError' });
    expect((error as Error).message).toMatch(/could not be reached \(fetch failed: ECONNREFUSED\); gave up after 5/);
    expect(`${(error as Error).message}${(error as Error).stack}`).not.toContain(gone.token);
    expect(logs.filter((line) => line.includes(gone.token))).toEqual([]);
  });

  it('refuses a stored value that is not an https URL without quoting it', async () => {
    // Prepare
    await putSecureString(`not a url ${slack.token}`);
    const { invoke } = await coldSlackNotifier({ SLACK_WEBHOOK_URL_PARAMETER: PARAMETER });

    // Act
    const error = await invoke(alertEvent()).catch((e: unknown) => e as Error);

    // Assess
    expect((error as Error).message).toBe(
      `SSM parameter ${PARAMETER} does not hold a URL (or a JSON object with "url")`,
    );
    expect(slack.received).toHaveLength(0);
  });
});
