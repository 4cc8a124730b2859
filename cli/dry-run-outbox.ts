import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Alert } from '#shared/notify/alert.js';

/**
 * Keeps a replay's alerts on this machine: the product's SQS client answers SendMessage itself, so a dry run never
 * reaches the outbox (nor, through it, the chat channel). Returns the alerts the replay would have queued.
 */
export function captureOutbox(sqs: SQSClient): Alert[] {
  const alerts: Alert[] = [];
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'SendMessageCommand') return next(args);
      const input = args.input as { MessageBody?: string };
      alerts.push(JSON.parse(input.MessageBody ?? '{}') as Alert);
      return { output: { $metadata: {}, MessageId: 'dry-run' }, response: {} } as never;
    },
    { step: 'initialize', name: 'ecsAutopilotDryRunOutbox', priority: 'high' },
  );
  return alerts;
}
