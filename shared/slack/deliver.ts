import type { Logger } from '@aws-lambda-powertools/logger';
import type { SnsRecord } from '../events/sns.js';
import { type ChatDelivery, deliverToChannel } from './deliver-chat.js';
import { renderTopicMessage } from './render.js';
import { postToWebhook, SlackWebhookError, webhookHost } from './webhook.js';

/** What delivering to Slack depends on. */
export interface SlackDeliveryDeps {
  /** The incoming webhook (the default mode): one message each, no threads. */
  readWebhookUrl?: (options?: { forceFetch?: boolean }) => Promise<URL>;
  /** Bot-token mode, when it is set up: each incident in one thread. */
  chat?: ChatDelivery;
  /** This invocation's id (Lambda's request id): what a thread's root is claimed in the name of. */
  owner?: string;
  logger: Logger;
  remainingMs: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Answers that mean the cached URL may be stale (the webhook was rotated): read it again before giving up. */
const staleWebhookStatuses = new Set([403, 404, 410]);

/**
 * Renders one message of the alert topic as Block Kit and posts it: with the bot token into its incident's thread,
 * or to the webhook. A failure throws, so Lambda's async retries run and the event ends in the function's DLQ.
 */
export async function deliverToSlack(record: SnsRecord, deps: SlackDeliveryDeps): Promise<void> {
  const { logger } = deps;
  const message = renderTopicMessage(record.Sns.Message, record.Sns.Subject ?? undefined);
  const onRetry = (why: string, waitMs: number, attempt: number) =>
    logger.warn(`Slack did not take the message yet: ${why}; waiting ${waitMs} ms`, { attempt });
  if (deps.chat) {
    const options = { remainingMs: deps.remainingMs, onRetry, ...(deps.sleep ? { sleep: deps.sleep } : {}) };
    const owner = deps.owner ?? record.Sns.MessageId;
    const placed = await deliverToChannel(record.Sns.Message, message, deps.chat, { owner, logger, options });
    logger.info(`posted to Slack: ${message.text}`, { snsMessageId: record.Sns.MessageId, ...placed });
    return;
  }
  if (!deps.readWebhookUrl) throw new SlackWebhookError('neither a webhook URL nor a bot token is set up');
  const { readWebhookUrl } = deps;
  const post = (url: URL) =>
    postToWebhook(url, message, {
      remainingMs: deps.remainingMs,
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      onRetry,
    });
  const url = await readWebhookUrl();
  let attempts: number;
  try {
    attempts = await post(url);
  } catch (error) {
    if (!(error instanceof SlackWebhookError && staleWebhookStatuses.has(error.status ?? 0))) throw error;
    logger.warn(`Slack answered ${error.status}: reading the webhook URL again in case it was rotated`);
    attempts = await post(await readWebhookUrl({ forceFetch: true }));
  }
  logger.info(`posted to Slack: ${message.text}`, {
    snsMessageId: record.Sns.MessageId,
    webhook: webhookHost(url),
    blocks: message.blocks.length,
    attempts,
  });
}
