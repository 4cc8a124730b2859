import type { Logger } from '@aws-lambda-powertools/logger';
import type { SnsRecord } from '../events/sns.js';
import { renderTopicMessage } from './render.js';
import { postToWebhook, SlackWebhookError, webhookHost } from './webhook.js';

/** What delivering to Slack depends on. */
export interface SlackDeliveryDeps {
  readWebhookUrl: (options?: { forceFetch?: boolean }) => Promise<URL>;
  logger: Logger;
  remainingMs: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Answers that mean the cached URL may be stale (the webhook was rotated): read it again before giving up. */
const staleWebhookStatuses = new Set([403, 404, 410]);

/**
 * Renders one message of the alert topic as Block Kit and posts it to the webhook. A failure throws, so Lambda's
 * async retries run and the event ends in the function's DLQ.
 */
export async function deliverToSlack(record: SnsRecord, deps: SlackDeliveryDeps): Promise<void> {
  const { logger } = deps;
  const message = renderTopicMessage(record.Sns.Message, record.Sns.Subject ?? undefined);
  const post = (url: URL) =>
    postToWebhook(url, message, {
      remainingMs: deps.remainingMs,
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      onRetry: (why, waitMs, attempt) =>
        logger.warn(`Slack did not take the message yet: ${why}; waiting ${waitMs} ms`, { attempt }),
    });
  const url = await deps.readWebhookUrl();
  let attempts: number;
  try {
    attempts = await post(url);
  } catch (error) {
    if (!(error instanceof SlackWebhookError && staleWebhookStatuses.has(error.status ?? 0))) throw error;
    logger.warn(`Slack answered ${error.status}: reading the webhook URL again in case it was rotated`);
    attempts = await post(await deps.readWebhookUrl({ forceFetch: true }));
  }
  logger.info(`posted to Slack: ${message.text}`, {
    snsMessageId: record.Sns.MessageId,
    webhook: webhookHost(url),
    blocks: message.blocks.length,
    attempts,
  });
}
