import type { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { type AlarmReactionDeps, reactToAlarmStateChange } from '#shared/alarms/react.js';
import { AutopilotConfigSchema } from '#shared/config/schema.js';
import { type AlarmStateChangeEvent, AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import type { IgnoredReason } from '#shared/logging/metrics.js';
import * as v from '#shared/validation/input-schema.js';
import { loadEvent } from '#test/support/fixtures.js';

const config = AutopilotConfigSchema.parse({
  version: 1,
  alarms: [{ alarmName: '-cpu-high$', reaction: 'scale-out' }],
  clusters: [{ name: 'prod', services: [{ name: 'web' }] }],
});

const event = v.parse(AlarmStateChangeEventSchema, loadEvent('alarm-service-cpu-high'));
const firedAt = Date.parse(event.detail.state.timestamp);

/** The alarm sample moved from one state to another, renamed so that no rule matches past the screening. */
function moved(from: string, to: string, alarmName = 'prod-web-unmatched'): AlarmStateChangeEvent {
  const { state, previousState } = event.detail;
  return {
    ...event,
    detail: {
      ...event.detail,
      alarmName,
      state: { ...state, value: to as 'OK' },
      previousState: { ...previousState, value: from as 'OK' },
    },
  };
}

/** What screening decided for an event at `now`: every AWS client and the state table throw if touched. */
async function screened(input: AlarmStateChangeEvent, now = new Date(firedAt)) {
  const ignored = vi.fn<(reason: IgnoredReason) => void>();
  const nothing = new Proxy({}, { get: () => () => Promise.reject(new Error('no AWS call expected')) });
  const deps = {
    config,
    clients: { ecs: nothing, elbv2: nothing, autoScaling: nothing, sqs: nothing },
    outboxUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/outbox.fifo',
    cache: nothing,
    state: nothing,
    home: { account: '111122223333', region: 'us-east-1' },
    logger: { info: vi.fn(), debug: vi.fn() } as unknown as Logger,
    metrics: { ignored },
    now: () => now,
  } as unknown as AlarmReactionDeps;
  const reaction = await reactToAlarmStateChange(input, deps);
  return { reaction, reasons: ignored.mock.calls.map(([reason]) => reason) };
}

describe('Alarms: which state changes are reacted to', () => {
  it.each([
    ['ALARM', 'ALARM'],
    ['INSUFFICIENT_DATA', 'OK'],
    ['OK', 'OK'],
    ['ALARM', 'INSUFFICIENT_DATA'],
  ])('drops %s → %s as no transition to react to', async (from, to) => {
    // Act
    const { reaction, reasons } = await screened(moved(from, to));

    // Assess
    expect(reasons).toEqual(['not-a-transition']);
    expect(reaction).toEqual({
      eventId: event.id,
      alarmName: 'prod-web-unmatched',
      audit: [],
      ignored: `${from} → ${to} is not a transition to react to`,
    });
  });

  it.each([
    ['OK', 'ALARM'],
    ['INSUFFICIENT_DATA', 'ALARM'],
    ['ALARM', 'OK'],
  ])('takes %s → %s on to the rules', async (from, to) => {
    // Act
    const { reaction, reasons } = await screened(moved(from, to));

    // Assess
    expect(reasons).toEqual(['no-matching-rule']);
    expect(reaction.ignored).toBe('no alarm rule matches prod-web-unmatched');
  });

  it('counts a state dated in the future apart from a stale one', async () => {
    // Act
    const { reasons } = await screened(moved('OK', 'ALARM'), new Date(firedAt - 600_000));

    // Assess
    expect(reasons).toEqual(['future-dated']);
  });
});
