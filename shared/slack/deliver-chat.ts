import type { Logger } from '@aws-lambda-powertools/logger';
import { ChatbotNotificationSchema } from '../notify/chatbot.js';
import type { StateStore } from '../state/index.js';
import * as v from '../validation/input-schema.js';
import { type ChatPostOptions, type chatPoster, SlackApiError, staleTokenErrors } from './chat-api.js';
import type { SlackMessage } from './message.js';
import { postInThread, type ThreadRef } from './threads.js';

/** What posting with the bot token depends on. */
export interface ChatDelivery {
  channel: string;
  readToken: (options?: { forceFetch?: boolean }) => Promise<string>;
  post: ReturnType<typeof chatPoster>;
  /** Where incidents' thread roots are kept; without it every message is a root of its own. */
  threads?: StateStore;
}

const severities = new Set(['critical', 'warning', 'info']);

/** The incident thread an alert of the topic belongs to; undefined for messages of no incident (own alarms). */
export function threadRefOf(topicMessage: string): ThreadRef | undefined {
  let body: unknown;
  try {
    body = JSON.parse(topicMessage);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(ChatbotNotificationSchema, body);
  const metadata = parsed.success ? parsed.output.metadata : undefined;
  const context = metadata?.additionalContext ?? {};
  if (!metadata?.threadId || !context.cluster || !context.service) return undefined;
  const severity = severities.has(context.severity ?? '') ? (context.severity as ThreadRef['severity']) : 'info';
  const { account, region } = context;
  return {
    threadId: metadata.threadId,
    ...(account && region ? { account, region } : {}),
    cluster: context.cluster,
    service: context.service,
    severity,
  };
}

/**
 * Posts a message with the bot token: into its incident's thread when it belongs to one (the first message of the
 * incident is the root), as a message of its own otherwise. A stale token is read again once before giving up.
 */
export async function deliverToChannel(
  topicMessage: string,
  message: SlackMessage,
  chat: ChatDelivery,
  context: { owner: string; logger: Logger; options: ChatPostOptions },
): Promise<{ ts: string; threadTs?: string; broadcast: boolean; attempts: number }> {
  let attempts = 0;
  let token = await chat.readToken();
  const post = async (placement: { threadTs?: string; broadcast?: boolean }) => {
    try {
      const sent = await chat.post(token, chat.channel, message, placement, context.options);
      attempts += sent.attempts;
      return sent.ts;
    } catch (error) {
      if (!(error instanceof SlackApiError && staleTokenErrors.has(error.code))) throw error;
      context.logger.warn(`Slack answered ${error.code}: reading the bot token again in case it was rotated`);
      token = await chat.readToken({ forceFetch: true });
      const sent = await chat.post(token, chat.channel, message, placement, context.options);
      attempts += sent.attempts;
      return sent.ts;
    }
  };
  const ref = threadRefOf(topicMessage);
  if (!ref || !chat.threads) return { ts: await post({}), broadcast: false, attempts };
  const placed = await postInThread(ref, {
    store: chat.threads,
    owner: context.owner,
    channel: chat.channel,
    post,
    remainingMs: context.options.remainingMs,
    ...(context.options.sleep ? { sleep: context.options.sleep } : {}),
  });
  return { ...placed, attempts };
}
