import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { expect } from 'vitest';
import { type BusEvent, eventKey } from './bus-samples.js';
import type { DeclaredRule } from './patterns.js';

const eventBridge = new EventBridgeClient({});
const sqs = new SQSClient({});

/** Creates the rule in moto with a queue as its target, sends every sample, and returns the names that arrived. */
export async function deliveredSamples(rule: DeclaredRule, samples: Record<string, BusEvent>): Promise<string[]> {
  const ruleName = rule.id.replace(/[^\w.-]/g, '-');
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${ruleName}-target` }));
  const { Attributes: attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await eventBridge.send(new PutRuleCommand({ Name: ruleName, EventPattern: JSON.stringify(rule.pattern) }));
  await eventBridge.send(
    new PutTargetsCommand({ Rule: ruleName, Targets: [{ Id: 'queue', Arn: attributes?.QueueArn }] }),
  );

  const nameByKey = new Map(Object.entries(samples).map(([name, event]) => [eventKey(event), name]));

  const entries = Object.values(samples).map((event) => ({
    Source: event.source,
    DetailType: event['detail-type'],
    Detail: JSON.stringify(event.detail),
    Resources: event.resources ?? [],
    ...(event.time === undefined ? {} : { Time: new Date(event.time) }),
  }));
  for (let start = 0; start < entries.length; start += 10) {
    const out = await eventBridge.send(new PutEventsCommand({ Entries: entries.slice(start, start + 10) }));
    expect(out.FailedEntryCount ?? 0).toBe(0);
  }

  const delivered: string[] = [];
  for (;;) {
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (messages.length === 0) break;
    for (const message of messages) {
      const event = JSON.parse(message.Body ?? '{}') as BusEvent;
      delivered.push(nameByKey.get(eventKey(event)) ?? `unknown event: ${message.Body}`);
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
  }
  return delivered.sort();
}
