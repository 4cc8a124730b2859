import { describe, expect, it } from 'vitest';
import { scheduledEvent } from '#local/scheduled-events.js';
import type { ScheduledEvent } from '#shared/events/scheduled.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { reconcileAlert } from '#shared/reconciler/report.js';
import { TG_WEB } from '#test/support/builders.js';
import { action } from '#test/support/executor.js';

const event = scheduledEvent(
  { account: '111122223333', region: 'us-east-1' },
  new Date('2026-11-24T12:00:00Z'),
) as ScheduledEvent;
const findings = { unknownTargets: [], youngOrphans: [], missingTasks: [] };
const services = [{ clusterName: 'prod', serviceName: 'web' }];

/** What the executor recorded for one orphans' removal. */
function record(fields: Partial<AuditRecord>): AuditRecord {
  const orphans = action({ targetGroupArn: TG_WEB, why: 'orphan target(s)' });
  return {
    action: orphans,
    description: 'deregister 10.0.1.17:8080 from target group web-tg',
    outcome: 'applied',
    why: orphans.why,
    at: event.time,
    durationMs: 5,
    ...fields,
  };
}

describe('Reconciler: reconcileAlert', () => {
  it('says which orphans a task took since the sweep read them, and why, as a warning', () => {
    // Prepare
    const kept = [{ target: '10.0.1.17:8080', why: 'task 9c0ffee0 of web (PENDING) holds it now' }];
    const audit = [record({ outcome: 'already-done', kept })];

    // Act
    const alert = reconcileAlert({ event, audit, findings, services, dryRun: false });

    // Assess
    expect(alert?.title).toBe('reconciler: 1 orphan(s) kept: a task took their address');
    expect(alert?.severity).toBe('warning');
    expect(alert?.description).toContain('kept 10.0.1.17:8080: task 9c0ffee0 of web (PENDING) holds it now');
  });

  it('tells orphans already gone from orphans left, and counts a partly kept removal as a fix', () => {
    // Prepare
    const kept = [{ target: '10.0.1.18:8080', why: 'task 9c0ffee0 of web (RUNNING) holds it now' }];
    const audit = [
      record({ outcome: 'applied', kept }),
      record({ outcome: 'already-done' }),
      record({ outcome: 'blocked', guard: { rule: 'never-empty', why: 'it would leave 0' } }),
    ];

    // Act
    const alert = reconcileAlert({ event, audit, findings, services, dryRun: false });

    // Assess
    expect(alert?.title).toBe(
      'reconciler: orphans deregistered in 1 target group(s), orphans left in 1 target group(s), 1 orphan(s) kept: a task took their address, orphans already gone from 1 target group(s)',
    );
    expect(alert?.severity).toBe('critical');
  });
});
