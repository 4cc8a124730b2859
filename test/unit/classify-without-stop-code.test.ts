import { describe, expect, it } from 'vitest';
import type { TaskDetail } from '#shared/events/task-state-change.js';
import { classifyStop } from '#shared/tasks/classify.js';

/** A stopped task as an older ECS agent reports it: no stopCode, only the reason and the exit codes. */
function legacyStop(overrides: Partial<TaskDetail> = {}): TaskDetail {
  return {
    taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/0f1e2d3c4b5a49687766554433221100',
    clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/prod',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    version: 4,
    group: 'service:web',
    stoppedReason: 'Essential container in task exited',
    containers: [
      { name: 'app', lastStatus: 'STOPPED', exitCode: 2 },
      { name: 'sidecar', lastStatus: 'STOPPED', exitCode: 143 },
    ],
    attachments: [],
    ...overrides,
  };
}

describe('Function: classifyStop, events without stopCode', () => {
  it('classifies "Essential container in task exited" as a critical essential-container exit and blames the failing container', () => {
    // Act
    const verdict = classifyStop(legacyStop());

    // Assess
    expect(verdict).toMatchObject({ kind: 'essential-container-exited', severity: 'critical', routine: false });
    expect(verdict.container).toMatchObject({ name: 'app', exitCode: 2 });
  });

  it('reads exit code 137 of the culprit as the OOM killer, as with a stopCode', () => {
    // Act
    const verdict = classifyStop(legacyStop({ containers: [{ name: 'app', exitCode: 137 }] }));

    // Assess
    expect(verdict.kind).toBe('out-of-memory');
  });

  it('takes a failing exit code as an essential exit when there is no reason either', () => {
    // Act
    const verdict = classifyStop(legacyStop({ stoppedReason: undefined, containers: [{ name: 'app', exitCode: 1 }] }));

    // Assess
    expect(verdict.kind).toBe('essential-container-exited');
  });

  it('keeps a stop with neither code, reason nor failing exit unknown', () => {
    // Act
    const verdict = classifyStop(legacyStop({ stoppedReason: undefined, containers: [{ name: 'app', exitCode: 0 }] }));

    // Assess
    expect(verdict.kind).toBe('unknown');
  });
});
