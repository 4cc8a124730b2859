import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { AutopilotError } from '../errors.js';

/**
 * Where the incoming webhook's URL is kept: an SSM SecureString parameter, the one store the function's role may read
 * (a second store would put its SDK client in the bundle for a call the role refuses).
 */
export interface WebhookUrlSource {
  store: 'ssm';
  name: string;
}

/** The webhook URL could not be read, or what was read is not a webhook URL. Never carries the value itself. */
export class SlackWebhookUrlError extends AutopilotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SlackWebhookUrlError';
  }
}

/** The source named by `SLACK_WEBHOOK_URL_PARAMETER`. */
export function webhookUrlSourceFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookUrlSource {
  const parameter = env.SLACK_WEBHOOK_URL_PARAMETER?.trim();
  if (parameter) return { store: 'ssm', name: parameter };
  throw new SlackWebhookUrlError('SLACK_WEBHOOK_URL_PARAMETER (an SSM SecureString name) is required');
}

/** How a source is named in messages: its store and name, never its value. */
export function describeSource(source: WebhookUrlSource): string {
  return `SSM parameter ${source.name}`;
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The webhook URL in a stored value: the URL itself, or a JSON object with `url` (how secrets are often kept). https
 * only; plain http is taken from loopback alone, where the local stack runs its stand-in for Slack.
 */
export function parseWebhookUrl(value: string, source: WebhookUrlSource): URL {
  let text = value.trim();
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { url?: unknown; webhookUrl?: unknown };
      text = String(parsed.url ?? parsed.webhookUrl ?? '');
    } catch {
      // No cause: V8's SyntaxError quotes the text it failed on, which here is the secret.
      throw new SlackWebhookUrlError(`${describeSource(source)} holds JSON that does not parse`);
    }
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SlackWebhookUrlError(`${describeSource(source)} does not hold a URL (or a JSON object with "url")`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
    throw new SlackWebhookUrlError(`${describeSource(source)} holds a URL that is not https`);
  }
  return url;
}

/** The providers a reader fetches through (Powertools Parameters: cached, decrypted). */
export interface ParameterProviders {
  ssm: Pick<SSMProvider, 'get'>;
}

/** Reads the webhook URL of a source, cached by the providers for `maxAgeSeconds` across warm invocations. */
export function webhookUrlReader(source: WebhookUrlSource, providers: ParameterProviders, maxAgeSeconds = 300) {
  return async (options: { forceFetch?: boolean } = {}): Promise<URL> => {
    let value: unknown;
    try {
      value = await providers.ssm.get(source.name, { decrypt: true, maxAge: maxAgeSeconds, ...options });
    } catch (error) {
      throw new SlackWebhookUrlError(`could not read the Slack webhook URL from ${describeSource(source)}`, {
        cause: error,
      });
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw new SlackWebhookUrlError(`${describeSource(source)} is empty or not a string`);
    }
    return parseWebhookUrl(value, source);
  };
}
