import type { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { type AlarmReactionDeps, reactToAlarmStateChange } from '#shared/alarms/react.js';
import { AutopilotConfigSchema } from '#shared/config/schema.js';
import { AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import type { IgnoredReason } from '#shared/logging/metrics.js';
import * as v from '#shared/validation/input-schema.js';
import { loadEvent } from '#test/support/fixtures.js';

const config = AutopilotConfigSchema.parse({
  version: 1,
  alarms: [{ alarmName: '-cpu-high$', reaction: 'scale-out' }],
  clusters: [{ name: 'prod', services: [{ name: 'web' }] }],
});

/** A reaction that must not reach AWS: every client and the state table throw if touched. */
function untouchable(now: Date) {
  const info = vi.fn();
  const debug = vi.fn();
  const ignored = vi.fn<(reason: IgnoredReason) => void>();
  const nothing = new Proxy({}, { get: () => () => Promise.reject(new Error('no AWS call expected')) });
  const deps = {
    config,
    clients: { ecs: nothing, elbv2: nothing, autoScaling: nothing, sqs: nothing },
    outboxUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/outbox.fifo',
    cache: nothing,
    state: nothing,
    home: { account: '111122223333', region: 'us-east-1' },
    logger: { info, debug } as unknown as Logger,
    metrics: { ignored },
    now: () => now,
  } as unknown as AlarmReactionDeps;
  return { deps, info, debug, ignored };
}

describe('Alarms: events dropped without an alert', () => {
  const event = v.parse(AlarmStateChangeEventSchema, loadEvent('alarm-service-cpu-high'));
  const firedAt = Date.parse(event.detail.state.timestamp);

  it.each([
    ['stale', new Date(firedAt + 3_600_000), event],
    ['foreign', new Date(firedAt), { ...event, account: '999988887777' }],
    ['no-matching-rule', new Date(firedAt), { ...event, detail: { ...event.detail, alarmName: 'other' } }],
  ] as const)('logs a %s event at info and counts it', async (reason, now, input) => {
    // Prepare
    const { deps, info, debug, ignored } = untouchable(now);

    // Act
    const reaction = await reactToAlarmStateChange(input, deps);

    // Assess
    expect(reaction.ignored).toBeDefined();
    expect(info).toHaveBeenCalledWith(`ignored: ${reaction.ignored}`, expect.objectContaining({ reason }));
    expect(ignored).toHaveBeenCalledWith(reason);
    expect(debug).not.toHaveBeenCalled();
  });
});
