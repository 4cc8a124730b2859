import { Logger } from '@aws-lambda-powertools/logger';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '#shared/config/load.js';
import type { ServiceEvent } from '#shared/events/service-events.js';
import type { IgnoredReason } from '#shared/logging/metrics.js';
import { reactToServiceEvent } from '#shared/service-events/react.js';
import { sample } from '#test/support/service-events.js';

const HOME = { account: '111122223333', region: 'us-east-1' };
const AFTER_SAMPLES = new Date('2025-06-03T16:00:00Z');
const OUTBOX = 'https://sqs.us-east-1.amazonaws.com/111122223333/outbox';
const sqs = mockClient(SQSClient);

/** The reaction's logger and metrics, recording what an operator would see of one event. */
function observed() {
  const logger = new Logger({ logLevel: 'SILENT' });
  const info = vi.spyOn(logger, 'info');
  const warn = vi.spyOn(logger, 'warn');
  const counted: IgnoredReason[] = [];
  const metrics = { ignored: (reason: IgnoredReason) => counted.push(reason) };
  return { logger, info, warn, counted, metrics };
}

function react(event: ServiceEvent, seen: ReturnType<typeof observed>, services = ['web']) {
  const config = parseConfig({
    version: 1,
    clusters: [{ name: 'prod', services: services.map((name) => ({ name })) }],
  });
  const deps = { config, sqs: new SQSClient({ region: 'us-east-1' }), outboxUrl: OUTBOX, home: HOME };
  return reactToServiceEvent(event, { ...deps, logger: seen.logger, metrics: seen.metrics, now: () => AFTER_SAMPLES });
}

describe('Service-event reaction', () => {
  afterEach(() => {
    sqs.reset();
  });

  it('logs and counts an event of another account as foreign, naming the event', async () => {
    // Prepare
    const seen = observed();
    const event = { ...sample('service-steady-state'), account: '999999999999' };

    // Act
    const reaction = await react(event, seen);

    // Assess
    expect(reaction.ignored).toMatch(/account/);
    expect(seen.counted).toEqual(['foreign']);
    expect(seen.info).toHaveBeenCalledWith(`ignored: ${reaction.ignored}`, {
      eventId: event.id,
      eventName: 'SERVICE_STEADY_STATE',
    });
  });

  it('logs and counts an event dated in the future as future-dated', async () => {
    // Prepare
    const seen = observed();
    const event = { ...sample('service-steady-state'), time: '2025-06-03T17:00:00Z' };

    // Act
    const reaction = await react(event, seen);

    // Assess
    expect(reaction.ignored).toMatch(/in the future/);
    expect(seen.counted).toEqual(['future-dated']);
    expect(seen.info).toHaveBeenCalledWith(
      `ignored: ${reaction.ignored}`,
      expect.objectContaining({ eventId: event.id }),
    );
  });

  it('warns about an alerting event that names no service, with its resources, and counts it not managed', async () => {
    // Prepare
    const seen = observed();
    const event = { ...sample('service-task-placement-failure'), resources: [] };

    // Act
    const reaction = await react(event, seen);

    // Assess
    expect(reaction).toEqual({ eventId: event.id, ignored: reaction.ignored, classification: reaction.classification });
    expect(reaction.classification?.alert).toBe(true);
    expect(seen.counted).toEqual(['not-managed']);
    expect(seen.warn).toHaveBeenCalledWith(`ignored: ${reaction.ignored}`, {
      eventId: event.id,
      eventName: 'SERVICE_TASK_PLACEMENT_FAILURE',
      resources: [],
    });
    expect(seen.info).not.toHaveBeenCalled();
  });

  it('logs a quiet event that names no service at info level', async () => {
    // Prepare
    const seen = observed();
    const event = { ...sample('service-steady-state'), resources: [] };

    // Act
    await react(event, seen);

    // Assess
    expect(seen.counted).toEqual(['not-managed']);
    expect(seen.warn).not.toHaveBeenCalled();
    expect(seen.info).toHaveBeenCalledTimes(1);
  });

  it('logs and counts an event of an unmanaged service as not managed, naming the service', async () => {
    // Prepare
    const seen = observed();
    const event = sample('service-task-placement-failure');

    // Act
    const reaction = await react(event, seen, ['api']);

    // Assess
    expect(seen.counted).toEqual(['not-managed']);
    expect(seen.info).toHaveBeenCalledWith(`ignored: ${reaction.ignored}`, {
      eventId: event.id,
      eventName: 'SERVICE_TASK_PLACEMENT_FAILURE',
      subject: reaction.subject,
    });
    expect(reaction.subject).toMatchObject({ clusterName: 'prod', serviceName: 'web' });
  });

  it('logs and counts a quiet event of a managed service as not alerted, with its type', async () => {
    // Prepare
    const seen = observed();
    const event = sample('service-steady-state');

    // Act
    const reaction = await react(event, seen);

    // Assess
    expect(seen.counted).toEqual(['not-alerted']);
    expect(seen.info).toHaveBeenCalledWith(`ignored: ${reaction.ignored}`, {
      eventId: event.id,
      eventName: 'SERVICE_STEADY_STATE',
      eventType: 'INFO',
      subject: reaction.subject,
    });
  });

  it('queues one alert and logs it with its incident and severity, counting nothing as ignored', async () => {
    // Prepare
    const seen = observed();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const event = sample('service-task-placement-failure');

    // Act
    const reaction = await react(event, seen);

    // Assess
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
    expect(seen.counted).toEqual([]);
    expect(seen.info).toHaveBeenCalledWith(`alert queued: ${reaction.alert?.title}`, {
      eventId: event.id,
      eventName: 'SERVICE_TASK_PLACEMENT_FAILURE',
      incidentId: reaction.alert?.incidentId,
      severity: 'critical',
    });
  });
});
