import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { beforeEach, describe, expect, it } from 'vitest';
import { injectFaults } from '#local/fault-injection.js';
import { serverError, throttlingError } from '#local/moto-proxy.js';
import { timeOutAfterWrite } from '#local/moto-proxy-rules.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const proxy = await useMotoProxy();

describe('Test harness: the fault account of answers lost after a write landed', () => {
  const sqs = new SQSClient({
    endpoint: proxy.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    retryMode: 'standard',
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ requestTimeout: 300, throwOnRequestTimeout: true }),
  });
  let queueUrl: string;

  beforeEach(async () => {
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `lost-answers-${Date.now()}` }))).QueueUrl ?? '';
  });

  const messagesInQueue = async () =>
    Number(
      (
        await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
        )
      ).Attributes?.ApproximateNumberOfMessages,
    );

  it('counts a write its caller stopped waiting for, armed or not, and the retry that was answered not at all', async () => {
    // Prepare: no injected fault; the first send lands and its answer is held past the caller's 300 ms timeout, as a
    // slow answer on a loaded machine would be.
    const faults = injectFaults(proxy, { seed: 1, share: 0, appliesTo: () => true });
    timeOutAfterWrite(proxy, 'sqs:SendMessage', 1, 1_000);

    // Act: unarmed, as the harness runs a function that is not under test.
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'once' }));

    // Assess: the SDK's retry sent it again; one answer was lost, the retry's was not.
    expect(await messagesInQueue()).toBe(2);
    expect(faults.lostAnswers()).toEqual({ 'sqs:SendMessage': 1 });
    expect(faults.totalInjected()).toBe(0);
  });

  it('counts a 500 after the write landed, and neither a refused write nor a slow read', async () => {
    // Prepare: a 500 after the first send landed, a throttle before the second reached moto, a slow read.
    const faults = injectFaults(proxy, { seed: 1, share: 0, appliesTo: () => true });
    let sends = 0;
    proxy.addRule({
      name: '500 after the first send landed',
      match: (call) => call.operation === 'SendMessage' && ++sends === 1,
      rewrite: (call) => serverError(call, 500),
    });
    proxy.addRule({
      name: 'the second send throttled',
      match: (call) => call.operation === 'SendMessage' && sends === 3,
      respond: throttlingError,
    });
    timeOutAfterWrite(proxy, 'sqs:GetQueueAttributes', 1, 1_000);

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'landed, then a 500' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'throttled, then sent' }));
    const queued = await messagesInQueue();

    // Assess: three messages (the 500's retry sent its message again); only the 500 lost the answer of a write.
    expect(queued).toBe(3);
    expect(faults.lostAnswers()).toEqual({ 'sqs:SendMessage': 1 });
  });
});
