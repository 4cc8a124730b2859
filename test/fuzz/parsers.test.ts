import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '#shared/config/load.js';
import { AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import { ScheduledEventSchema } from '#shared/events/scheduled.js';
import { ServiceEventSchema } from '#shared/events/service-events.js';
import { TaskStateChangeEventSchema } from '#shared/events/task-state-change.js';
import { AlertSchema } from '#shared/notify/alert-schema.js';
import * as v from '#shared/validation/input-schema.js';
import { loadEvent } from '#test/support/fixtures.js';
import { fuzzRuns, mutatedEvents } from './events.js';

const parsers = [
  { name: 'ECS Task State Change', schema: TaskStateChangeEventSchema, sample: 'task-stopped-out-of-memory' },
  { name: 'CloudWatch Alarm State Change', schema: AlarmStateChangeEventSchema, sample: 'alarm-service-cpu-high' },
  { name: 'ECS service event', schema: ServiceEventSchema, sample: 'deployment-rollback-circuit-breaker' },
] as const;

describe('Fuzz: event parsers', () => {
  it.each(parsers)('parses or refuses any event made from a $name sample, never throwing', ({ schema, sample }) => {
    fc.assert(
      fc.property(mutatedEvents(loadEvent(sample)), (event) => {
        // Act
        const result = v.safeParse(schema, event);

        // Assess
        if (!result.success) expect(result.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: fuzzRuns(150) },
    );
  });

  it('refuses anything but a scheduled event, never throwing', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(v.safeParse(ScheduledEventSchema, value).success).toBe(false);
      }),
      { numRuns: fuzzRuns(150) },
    );
  });

  it('refuses any malformed alert in the outbox, never throwing', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        expect(v.safeParse(AlertSchema, value).success).toBe(false);
      }),
      { numRuns: fuzzRuns(150) },
    );
  });
});

describe('Fuzz: config', () => {
  it('accepts a config or says what is wrong with it in a ConfigError, never anything else', () => {
    const shipped = {
      version: 1,
      alarms: [{ alarmName: '-cpu-high$', reaction: 'scale-out', step: 1 }],
      clusters: [{ name: 'prod', services: [{ name: 'web', scaling: { minCount: 1, maxCount: 4 } }] }],
    };
    fc.assert(
      fc.property(mutatedEvents(shipped), (value) => {
        try {
          parseConfig(value, 'fuzz.yml');
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).problems.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: fuzzRuns(200) },
    );
  });
});
