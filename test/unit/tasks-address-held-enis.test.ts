import { describe, expect, it } from 'vitest';
import type { TaskDetail } from '#shared/events/task-state-change.js';
import { addressStillHeld } from '#shared/tasks/batch-observe.js';
import { taskDetail } from '#test/support/builders.js';

const NOW = new Date('2026-11-24T12:00:01Z');

/** A fresh event (sent a second before NOW) of the default awsvpc task with these attachments. */
function eventWith(attachments: TaskDetail['attachments'], overrides: Partial<TaskDetail> = {}) {
  return { time: '2026-11-24T12:00:00Z', detail: taskDetail({ attachments, ...overrides }) };
}

const eni = (type: string, status: string) => ({ type, status, details: [] });

describe('addressStillHeld: which attachments hold the address', () => {
  it('reads an ENI attachment by either of the names ECS gives it', () => {
    // Assess
    expect(addressStillHeld(eventWith([eni('ElasticNetworkInterface', 'ATTACHED')]), NOW)).toBe(true);
    expect(addressStillHeld(eventWith([eni('ENI', 'attaching')]), NOW)).toBe(true);
  });

  it('judges by the ENIs alone, whatever other attachments say', () => {
    // Prepare
    const attachments = [eni('eni', 'ATTACHED'), eni('Service Connect', 'DELETED')];

    // Assess
    expect(addressStillHeld(eventWith(attachments), NOW)).toBe(true);
  });

  it('does not hold when one of several ENIs is gone', () => {
    // Prepare
    const attachments = [eni('eni', 'ATTACHED'), eni('eni', 'DELETED')];

    // Assess
    expect(addressStillHeld(eventWith(attachments), NOW)).toBe(false);
  });

  it('does not hold for an awsvpc task whose event names no ENI, only its container’s address', () => {
    // Prepare
    const containers = [{ name: 'app', exitCode: 1, networkInterfaces: [{ privateIpv4Address: '10.0.1.17' }] }];

    // Assess
    expect(addressStillHeld(eventWith([], { containers }), NOW)).toBe(false);
  });
});
