import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StateStore, stateTableNameFromEnv } from '../state/index.js';
import { botTokenReader, chatSettingsFromEnv } from './bot-token.js';
import { chatPoster } from './chat-api.js';
import type { SlackDeliveryDeps } from './deliver.js';
import { webhookUrlReader, webhookUrlSourceFromEnv } from './webhook-url.js';

/**
 * How the Slack function posts, read once at cold start: with the bot token when `SLACK_CHANNEL` is set (threads kept
 * in the state table), else to the incoming webhook (the default). Secrets are cached for 5 minutes across warm
 * invocations and re-read at once when Slack refuses them.
 */
export function slackDeliveryFromEnv(
  providers: { ssm: SSMProvider; dynamodb: DynamoDBClient },
  env: NodeJS.ProcessEnv = process.env,
): Pick<SlackDeliveryDeps, 'readWebhookUrl' | 'chat'> {
  const chat = chatSettingsFromEnv(env);
  if (!chat) return { readWebhookUrl: webhookUrlReader(webhookUrlSourceFromEnv(env), providers) };
  const tableName = env.STATE_TABLE_NAME?.trim() ? stateTableNameFromEnv() : undefined;
  return {
    chat: {
      channel: chat.channel,
      readToken: botTokenReader(chat.tokenParameter, providers.ssm),
      post: chatPoster(chat.apiUrl),
      ...(tableName ? { threads: new StateStore({ client: providers.dynamodb, tableName }) } : {}),
    },
  };
}
