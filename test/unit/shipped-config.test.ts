import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchAlarmRule } from '#shared/alarms/resolve.js';
import { loadConfigFile } from '#shared/config/load.js';
import { serviceManagement } from '#shared/config/managed.js';
import { AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import * as v from '#shared/validation/input-schema.js';
import { loadEvent, repoRoot } from '#test/support/fixtures.js';

const shipped = loadConfigFile(join(repoRoot, 'ecs-autopilot.yml'));

describe('The shipped ecs-autopilot.yml', () => {
  it.each([
    ['alarm-target-group-unhealthy-hosts', 'deregister-unhealthy'],
    ['alarm-service-cpu-high', 'scale-out'],
    ['alarm-service-cpu-low', 'scale-in'],
    ['alarm-metric-math-5xx-rate', 'notify-only'],
    ['alarm-composite', 'notify-only'],
  ])('has a rule for %s: %s', (sample, reaction) => {
    // Act
    const rule = matchAlarmRule(shipped.alarms, v.parse(AlarmStateChangeEventSchema, loadEvent(sample)));

    // Assess
    expect(rule?.reaction).toBe(reaction);
  });

  it('gives the service its scaling rules act on the bounds they need', () => {
    // Act
    const web = serviceManagement(shipped, 'prod', 'web');

    // Assess
    expect(web).toMatchObject({ managed: true, scaling: { minCount: 2, maxCount: 10 } });
  });
});
