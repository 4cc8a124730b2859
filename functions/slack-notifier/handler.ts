import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { dynamodbClient } from '#shared/aws/dynamodb.js';
import { ssmClient } from '#shared/aws/ssm.js';
import { requireParsed } from '#shared/events/errors.js';
import { type SnsEvent, SnsEventSchema } from '#shared/events/sns.js';
import { logger } from '#shared/logging/logger.js';
import { deliverToSlack } from '#shared/slack/deliver.js';
import { slackDeliveryFromEnv } from '#shared/slack/wiring.js';

// The webhook URL, or the bot token and its threads: cached for 5 minutes across warm invocations.
const slack = slackDeliveryFromEnv({
  ssm: new SSMProvider({ awsSdkV3Client: ssmClient }),
  dynamodb: dynamodbClient,
});

/** Posts each message of the alert topic to Slack; a failure is retried by Lambda, then lands in the Slack DLQ. */
export const handler = middy<ParsedResult<unknown, SnsEvent>, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(parser({ schema: SnsEventSchema, safeParse: true }))
  .handler(async (parsed, context) => {
    const event = requireParsed(parsed, 'SNS');
    const remainingMs = () => context.getRemainingTimeInMillis();
    for (const record of event.Records) {
      logger.appendKeys({ snsMessageId: record.Sns.MessageId });
      await deliverToSlack(record, { ...slack, logger, remainingMs, owner: context.awsRequestId });
    }
  });
