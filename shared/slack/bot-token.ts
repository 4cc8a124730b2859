import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { AutopilotError } from '../errors.js';

/** The bot-token mode's settings: the token's SSM SecureString name (never the token), the channel and the API. */
export interface ChatSettings {
  tokenParameter: string;
  channel: string;
  apiUrl: string;
}

/** The bot token could not be read, or what was read is not a bot token. Never carries the value itself. */
export class SlackBotTokenError extends AutopilotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SlackBotTokenError';
  }
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Bot-token mode, on when `SLACK_CHANNEL` names a channel: the token is read from the SSM SecureString named by
 * `SLACK_BOT_TOKEN_PARAMETER`. Undefined (the incoming webhook, the default) when no channel is set. `SLACK_API_URL`
 * points at another Web API (https, or http on loopback for the local stand-in).
 */
export function chatSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ChatSettings | undefined {
  const channel = env.SLACK_CHANNEL?.trim();
  if (!channel) return undefined;
  const tokenParameter = env.SLACK_BOT_TOKEN_PARAMETER?.trim();
  if (!tokenParameter) {
    throw new SlackBotTokenError(
      'SLACK_CHANNEL is set: SLACK_BOT_TOKEN_PARAMETER (an SSM SecureString name) is required',
    );
  }
  const apiUrl = env.SLACK_API_URL?.trim() || 'https://slack.com/api/';
  const url = new URL(apiUrl);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
    throw new SlackBotTokenError(`SLACK_API_URL ${url.host} is not https`);
  }
  return { tokenParameter, channel, apiUrl };
}

/** Reads the bot token, cached by Powertools Parameters for `maxAgeSeconds` across warm invocations. */
export function botTokenReader(parameter: string, ssm: Pick<SSMProvider, 'get'>, maxAgeSeconds = 300) {
  return async (options: { forceFetch?: boolean } = {}): Promise<string> => {
    let value: unknown;
    try {
      value = await ssm.get(parameter, { decrypt: true, maxAge: maxAgeSeconds, ...options });
    } catch (error) {
      throw new SlackBotTokenError(`could not read the Slack bot token from SSM parameter ${parameter}`, {
        cause: error,
      });
    }
    const token = typeof value === 'string' ? value.trim() : '';
    if (!/^xox[bp]-[\w-]+$/.test(token)) {
      throw new SlackBotTokenError(`SSM parameter ${parameter} does not hold a Slack bot token (xoxb-…)`);
    }
    return token;
  };
}
