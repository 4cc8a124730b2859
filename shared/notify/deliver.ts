import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Context, SQSRecord } from 'aws-lambda';
import { AutopilotError } from '../errors.js';
import * as v from '../validation/input-schema.js';
import { type Alert, alertDeliveryKey } from './alert.js';
import { AlertSchema } from './alert-schema.js';
import { type ConsoleSignInLinks, withAccountLinks } from './console-sign-in.js';
import { publishAlert } from './publish.js';

/** An outbox record that is not an alert: it fails alone and ends in the outbox DLQ, where it can be read. */
export class MalformedAlertError extends AutopilotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedAlertError';
  }
}

/** What the notifier needs to deliver alerts. */
export interface AlertDeliveryOptions {
  sns: SNSClient;
  topicArn: string;
  /** Where published alerts are recorded (the state table, see `idempotencyRecords`). */
  published: BasePersistenceLayer;
  logger: Logger;
  /** How long a published alert is remembered: longer than the outbox's retries (5 receives × 90 s). */
  rememberSeconds?: number;
  /** The access portal that opens console links in each alert's own account; absent: links as reported. */
  consoleSignIn?: ConsoleSignInLinks | undefined;
}

/**
 * Delivers outbox records to the alert topic, each alert once: an alert whose publication is recorded is not sent
 * again when its batch is retried (a timeout after SNS accepted it, a redelivery), only what was not published is.
 */
export function alertDelivery(opts: AlertDeliveryOptions) {
  const config = new IdempotencyConfig({
    expiresAfterSeconds: opts.rememberSeconds ?? 3_600,
    responseHook: (response, record) => {
      opts.logger.info('alert already published: not sent again', { idempotencyKey: record.idempotencyKey, response });
      return response;
    },
  });
  // `sent` learns of the publication as soon as SNS answers, before it is recorded.
  const publishOnce = makeIdempotent(
    async (_deliveryKey: string, alert: Alert, sent: Sent) => {
      const messageId = await publishAlert(opts.sns, opts.topicArn, alert);
      sent.published = { messageId };
      return { messageId };
    },
    { persistenceStore: opts.published, config, keyPrefix: 'alert-published' },
  );
  return {
    /** Ties in-progress records to this invocation's remaining time, so a crash frees them when it would end. */
    startInvocation(context: Context): void {
      config.registerLambdaContext(context);
    },
    async deliver(record: SQSRecord): Promise<void> {
      const alert = withAccountLinks(parseAlert(record), opts.consoleSignIn);
      const sent: Sent = {};
      let messageId: string | undefined;
      try {
        ({ messageId } = await publishOnce(alertDeliveryKey(alert), alert, sent));
      } catch (error) {
        // Published, but the record of it could not be completed: failing the record would publish it again.
        if (sent.published === undefined) throw error;
        opts.logger.warn('alert published, but its publication could not be recorded: the record is not failed', {
          incidentId: alert.incidentId,
          error,
        });
        messageId = sent.published.messageId;
      }
      opts.logger.info(`alert delivered: ${alert.title}`, {
        incidentId: alert.incidentId,
        severity: alert.severity,
        messageId,
      });
    },
  };
}

/** What one delivery learned of its publication before it was recorded. */
interface Sent {
  published?: { messageId: string | undefined };
}

function parseAlert(record: SQSRecord): Alert {
  try {
    return v.parse(AlertSchema, JSON.parse(record.body));
  } catch (error) {
    throw new MalformedAlertError(`outbox message ${record.messageId} is not an alert; it goes to the outbox DLQ`, {
      cause: error,
    });
  }
}
