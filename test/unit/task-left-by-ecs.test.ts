import { describe, expect, it } from 'vitest';
import { pastEcsDeregistration } from '#shared/tasks/left-by-ecs.js';

describe('pastEcsDeregistration', () => {
  it('is true once the task is past deactivating, when ECS has begun removing its targets', () => {
    // Prepare
    const statuses = ['STOPPING', 'DEPROVISIONING', 'STOPPED'];

    // Act
    const verdicts = statuses.map((lastStatus) => pastEcsDeregistration({ lastStatus }));

    // Assess
    expect(verdicts).toEqual([true, true, true]);
  });

  it('is false for the events before, whose targets are most often still in service', () => {
    // Prepare
    const statuses = ['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'stopped'];

    // Act
    const verdicts = statuses.map((lastStatus) => pastEcsDeregistration({ lastStatus }));

    // Assess
    expect(verdicts).toEqual([false, false, false, false, false, false]);
  });
});
