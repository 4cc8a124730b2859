import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { secretsManagerClient } from '#shared/aws/secrets-manager.js';
import { ssmClient } from '#shared/aws/ssm.js';
import { requireParsed } from '#shared/events/errors.js';
import { type SnsEvent, SnsEventSchema } from '#shared/events/sns.js';
import { logger } from '#shared/logging/logger.js';
import { deliverToSlack } from '#shared/slack/deliver.js';
import { webhookUrlReader, webhookUrlSourceFromEnv } from '#shared/slack/webhook-url.js';

const source = webhookUrlSourceFromEnv();
// Cached for 5 minutes across warm invocations; a rotated URL is re-read at once when Slack refuses the old one.
const readWebhookUrl = webhookUrlReader(source, {
  ssm: new SSMProvider({ awsSdkV3Client: ssmClient }),
  secrets: new SecretsProvider({ awsSdkV3Client: secretsManagerClient }),
});

/** Posts each message of the alert topic to Slack; a failure is retried by Lambda, then lands in the Slack DLQ. */
export const handler = middy<ParsedResult<unknown, SnsEvent>, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(parser({ schema: SnsEventSchema, safeParse: true }))
  .handler(async (parsed, context) => {
    const event = requireParsed(parsed, 'SNS');
    for (const record of event.Records) {
      logger.appendKeys({ snsMessageId: record.Sns.MessageId });
      await deliverToSlack(record, { readWebhookUrl, logger, remainingMs: () => context.getRemainingTimeInMillis() });
    }
  });
