import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { throttlingError } from '#local/moto-proxy.js';
import { outboxEvent } from '#local/pipeline.js';
import { provisionWorld, receiveAlerts, receiveOutbox, type World } from '#local/world.js';
import type { Alert } from '#shared/notify/alert.js';
import { enqueueAlert, outboxMessageGroupOf } from '#shared/notify/outbox.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { lambdaContext } from '../../cli/replay.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();
const CONFIG = 'version: 1\nclusters:\n  - name: prod\n    services:\n      - name: web\n';

function alert(service: string, incident: string): Alert {
  return {
    incidentId: `ecs-task-stop/prod/${incident}`,
    severity: 'warning',
    kind: 'task-stopped/essential-exit',
    title: `prod/${service}: task ${incident} stopped`,
    description: 'The essential container exited.',
    nextSteps: [],
    keywords: [],
    cluster: 'prod',
    service,
    region: 'us-east-1',
    account: '123456789012',
    links: [],
    relatedResources: [],
    dryRun: false,
    occurredAt: '2026-11-26T10:00:00Z',
  };
}

describe('Function: notifier', () => {
  let world: World;
  const sqs = new SQSClient({ endpoint, region: 'us-east-1' });

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 1 }] });
  });

  const notifierFor = async () => (await coldContainer(world, 'service-event', CONFIG)).notifier;
  /** The titles published to the topic, without the severity mark the chat schema puts first. */
  const titles = async () =>
    (await receiveAlerts(world))
      .map((received) => (received.message as { content: { title: string } }).content.title)
      .map((title) => title.replace(/^\p{Extended_Pictographic}\s*/u, ''))
      .sort();

  it('publishes each alert once when its batch is delivered again after the alerts were published', async () => {
    // Prepare
    for (const id of ['a', 'b', 'c']) await enqueueAlert(sqs, world.outboxQueueUrl as string, alert('web', id));
    const batch = outboxEvent(world, await receiveOutbox(world));
    const notifier = await notifierFor();

    // Act: the second delivery is what SQS does when an invocation timed out after publishing.
    const first = await notifier(batch, lambdaContext('notifier'));
    const again = await (await notifierFor())(batch, lambdaContext('notifier'));

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    expect(await titles()).toEqual([
      'prod/web: task a stopped',
      'prod/web: task b stopped',
      'prod/web: task c stopped',
    ]);
  });

  it('logs no empty-metrics warning for a delivery that counts nothing, and still writes the counts it makes', async () => {
    // Prepare: one alert to publish, and a delivery with nothing in it
    await enqueueAlert(sqs, world.outboxQueueUrl as string, alert('web', 'a'));
    const batch = outboxEvent(world, await receiveOutbox(world));
    // Metrics on for this container (the suite switches them off): its EMF lines are what is asserted.
    const notifier = (await coldContainer(world, 'service-event', CONFIG, { POWERTOOLS_METRICS_DISABLED: 'false' }))
      .notifier;
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);

    // Act
    let counted: string[];
    try {
      await notifier(batch, lambdaContext('notifier'));
      counted = written.splice(0);
      await notifier(outboxEvent(world, []), lambdaContext('notifier'));
    } finally {
      out.mockRestore();
      err.mockRestore();
    }

    // Assess
    expect(await titles()).toEqual(['prod/web: task a stopped']);
    expect(counted.join(''), 'the count it made is published').toMatch(/"AlertsSent":1/);
    expect(written.join(''), 'nothing counted, nothing said').toBe('');
  });

  it('publishes again an alert whose publication failed, and only that one', async () => {
    // Prepare
    for (const id of ['a', 'b']) await enqueueAlert(sqs, world.outboxQueueUrl as string, alert('web', id));
    const batch = outboxEvent(world, await receiveOutbox(world));
    const notifier = await notifierFor();
    let publishes = 0;
    proxy.failWith5xx((call) => call.operation === 'Publish' && ++publishes >= 2, 2);

    // Act
    const first = await notifier(batch, lambdaContext('notifier'));
    const retried = await notifier(batch, lambdaContext('notifier'));

    // Assess
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[1]?.messageId }]);
    expect(retried.batchItemFailures).toEqual([]);
    expect(await titles()).toEqual(['prod/web: task a stopped', 'prod/web: task b stopped']);
  });

  it('keeps an alert published whose publication could not be recorded: its record not failed, so not sent again', async () => {
    // Prepare: the write that completes the publication record is throttled through the SDK's attempts.
    await enqueueAlert(sqs, world.outboxQueueUrl as string, alert('web', 'a'));
    const batch = outboxEvent(world, await receiveOutbox(world));
    const notifier = await notifierFor();
    const completions = proxy.addRule({
      name: 'publication record not completed',
      match: (call) => call.operation === 'UpdateItem' && call.body.toString().includes('alert-published'),
      respond: throttlingError,
    });

    // Act
    const answer = await notifier(batch, lambdaContext('notifier'));
    completions();

    // Assess
    expect(answer.batchItemFailures, 'nothing returned to the outbox, so nothing published again').toEqual([]);
    expect(await titles()).toEqual(['prod/web: task a stopped']);
    expect(proxy.calls().filter((c) => c.operation === 'UpdateItem').length, 'the completion was tried').toBe(2);
  });

  it("fails a malformed record and the later ones of its service, and delivers the other services' alerts", async () => {
    // Prepare
    const outbox = world.outboxQueueUrl as string;
    const webGroup = outboxMessageGroupOf(alert('web', 'y'));
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: outbox,
        MessageBody: '{"title": "not an alert"}',
        MessageGroupId: webGroup,
        MessageDeduplicationId: 'malformed',
      }),
    );
    await enqueueAlert(sqs, outbox, alert('api', 'x'));
    await enqueueAlert(sqs, outbox, alert('web', 'y'));
    const messages = await receiveOutbox(world);
    const notifier = await notifierFor();

    // Act
    const response = await notifier(outboxEvent(world, messages), lambdaContext('notifier'));

    // Assess
    const failed = response.batchItemFailures.map((failure) => failure.itemIdentifier);
    const web = messages.filter((message) => message.groupId === webGroup).map((message) => message.messageId);
    expect(failed.sort()).toEqual(web.sort());
    expect(await titles()).toEqual(['prod/api: task x stopped']);
  });

  it("publishes a member account's console links through the access portal, into that account", async () => {
    // Prepare
    const config = `${CONFIG}notifications:\n  consoleSignIn: { startUrl: "https://d-1234567890.awsapps.com/start", roleName: ReadOnly }\n`;
    const member = {
      ...alert('web', 'm'),
      account: '222222222222',
      links: [{ label: 'Service', url: 'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web' }],
    };
    await enqueueAlert(sqs, world.outboxQueueUrl as string, member);
    const { notifier } = await coldContainer(world, 'service-event', config);

    // Act
    await notifier(outboxEvent(world, await receiveOutbox(world)), lambdaContext('notifier'));

    // Assess
    const published = (await receiveAlerts(world)).map(
      (received) => (received.message as { content: { description: string } }).content.description,
    );
    const destination = encodeURIComponent(member.links[0]?.url ?? '');
    expect(published).toHaveLength(1);
    expect(published[0]).toContain(
      `[Service](https://d-1234567890.awsapps.com/start/#/console?account_id=222222222222&role_name=ReadOnly&destination=${destination})`,
    );
  });
});
