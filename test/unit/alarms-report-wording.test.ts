import { describe, expect, it } from 'vitest';
import { alarmAlert } from '#shared/alarms/report.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { alarmEvent } from '#test/support/alarm-events.js';

const service = { clusterName: 'prod', serviceName: 'web' };

const failed = {
  outcome: 'failed',
  description: 'deregister 10.0.0.5:8080 from web-tg',
  error: { name: 'ThrottlingException', message: 'Rate exceeded' },
} as unknown as AuditRecord;
const blocked = {
  outcome: 'blocked',
  description: 'set the desired count of prod/web from 4 to 6',
  guard: { rule: 'cooldown', why: 'scaled out 60 s ago' },
} as unknown as AuditRecord;

describe('Function: alarmAlert, what the reader is told', () => {
  it('alerts critical when an action failed, quotes the failure, and says how retries and the DLQ take over', () => {
    // Act
    const alert = alarmAlert({
      event: alarmEvent({}),
      reaction: 'deregister-unhealthy',
      service,
      audit: [failed],
      notes: [],
      dryRun: false,
    });

    // Assess
    expect(alert.severity).toBe('critical');
    expect(alert.description).toContain('• FAILED to deregister 10.0.0.5:8080 from web-tg');
    expect(alert.description).toContain('Rate exceeded');
    expect(alert.nextSteps).toEqual([
      'The automation could not finish: read the reasons above and the function logs for the audit record.',
      expect.stringMatching(/^Lambda retries this alarm twice .* events DLQ, which pages the operations topic\.$/),
    ]);
  });

  it('alerts critical when a guardrail held an action back, without promising a retry', () => {
    // Act
    const alert = alarmAlert({
      event: alarmEvent({}),
      reaction: 'scale-out',
      service,
      audit: [blocked],
      notes: [],
      dryRun: false,
    });

    // Assess
    expect(alert.severity).toBe('critical');
    expect(alert.description).toContain(
      '• did not set the desired count of prod/web from 4 to 6: guardrail cooldown: scaled out 60 s ago',
    );
    expect(alert.nextSteps).toEqual([
      'The automation could not finish: read the reasons above and the function logs for the audit record.',
    ]);
  });

  it("quotes CloudWatch's reason of a recovery, on one line, and names what recovered in the headline", () => {
    // Prepare
    const event = alarmEvent(
      {},
      {
        state: {
          value: 'OK',
          reason: 'Threshold Crossed:\n1 datapoint [0.0] was not greater than the threshold (0.0).',
          timestamp: '2026-11-24T12:10:00.000+0000',
        },
        previousState: { value: 'ALARM', timestamp: '2026-11-24T12:00:00.000+0000' },
      },
    );

    // Act
    const alert = alarmAlert({ event, reaction: 'scale-out', service, audit: [], notes: [], dryRun: false });

    // Assess
    expect(alert.description).toMatch(/^\*Recovered:\* Threshold Crossed: 1 datapoint \\?\[0\.0\\?\] was not greater/);
    expect(alert.description).not.toContain('\n');
    expect(alert.title).toBe('prod/web: recovered prod-web-unhealthy-hosts');
    expect(alert.keywords).toEqual(['scale-out', 'OK']);
  });

  it('keeps a huge reason to about a thousand characters so that what was done stays in view', () => {
    // Prepare
    const event = alarmEvent({});
    event.detail.state.reason = 'x'.repeat(5_000);

    // Act
    const alert = alarmAlert({ event, reaction: 'scale-out', service, audit: [], notes: ['no step'], dryRun: false });

    // Assess
    const [what, ...rest] = alert.description.split('\n');
    expect(what?.length).toBeLessThanOrEqual('*Alarm:* '.length + 1_000);
    expect(what).toMatch(/more characters truncated\]$/);
    expect(rest).toEqual(['*What ecs-autopilot did (scale-out):*', '• no step']);
  });

  it('neutralises Markdown in notes, which quote AWS and CloudWatch text', () => {
    // Act
    const alert = alarmAlert({
      event: alarmEvent({}),
      reaction: 'notify-only',
      audit: [],
      notes: ['notify only: *bold*\nsecond line'],
      dryRun: false,
    });

    // Assess
    expect(alert.description).toContain('• notify only: \\*bold\\* second line');
  });

  it('marks a dry run and dates the alert at the event, read as UTC', () => {
    // Prepare
    const event = alarmEvent({});
    event.time = '2026-11-24T13:00:00+01:00';

    // Act
    const alert = alarmAlert({ event, reaction: 'scale-out', service, audit: [], notes: [], dryRun: true });

    // Assess
    expect(alert.dryRun).toBe(true);
    expect(alert.occurredAt).toBe('2026-11-24T12:00:00.000Z');
  });

  it('keeps an ALARM and its recovery apart for de-duplication, and apart from another alarm of the same episode time', () => {
    // Prepare
    const other = alarmEvent({}, { alarmName: 'prod-web-cpu-high' });

    // Act
    const one = alarmAlert({ event: alarmEvent({}), reaction: 'scale-out', audit: [], notes: [], dryRun: false });
    const two = alarmAlert({ event: other, reaction: 'scale-out', audit: [], notes: [], dryRun: false });

    // Assess
    expect(one.dedupKey).toBe(`${one.incidentId}/ALARM`);
    expect(two.incidentId).toMatch(/^cloudwatch-alarm\/prod-web-cpu-high\//);
    expect(two.incidentId.split('/')[2]).not.toBe(one.incidentId.split('/')[2]);
  });
});
