import { describe, expect, it } from 'vitest';
import { alarmAlert } from '#shared/alarms/report.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { alarmEvent } from '#test/support/alarm-events.js';

const SERVICE_ARN = 'arn:aws:ecs:us-east-1:111122223333:service/prod/web';
const service = { clusterName: 'prod', serviceName: 'web', serviceArn: SERVICE_ARN };
const ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:web-unhealthy';

const fired = alarmEvent({});
const recovered = alarmEvent(
  {},
  {
    state: { value: 'OK', timestamp: '2026-11-24T12:10:00.000+0000' },
    previousState: { value: 'ALARM', timestamp: '2026-11-24T12:00:00.000+0000' },
  },
);
const applied = {
  outcome: 'applied',
  description: 'set the desired count of prod/web from 4 to 5',
  verification: { evidence: 'desired count 5' },
} as unknown as AuditRecord;

describe('Function: alarmAlert', () => {
  it('warns of an alarm that fired, with what was done and the notes, and links the alarm and the service', () => {
    // Act
    const alert = alarmAlert({
      event: fired,
      reaction: 'scale-out',
      service,
      audit: [applied],
      notes: ['cooldown 300 s'],
      dryRun: false,
    });

    // Assess
    expect(alert).toMatchObject({
      severity: 'warning',
      kind: 'alarm/scale-out',
      title: 'prod/web: alarm prod-web-unhealthy-hosts',
      keywords: ['scale-out', 'ALARM'],
      relatedResources: [ALARM_ARN, SERVICE_ARN],
      nextSteps: [expect.stringMatching(/^Watch the alarm: it should return to OK/)],
    });
    expect(alert.description).toBe(
      [
        '*Alarm:* Threshold Crossed',
        '*What ecs-autopilot did (scale-out):*',
        '• set the desired count of prod/web from 4 to 5 (verified: desired count 5)',
        '• cooldown 300 s',
      ].join('\n'),
    );
    expect(alert.links.map((l) => l.label)).toEqual(['Alarm', 'Service']);
    expect(alert.links[0]?.url).toContain('prod-web-unhealthy-hosts');
  });

  it('says nothing was done, and what to open, for a notify-only alarm without a reason', () => {
    // Prepare
    const event = alarmEvent({});
    delete event.detail.state.reason;

    // Act
    const alert = alarmAlert({ event, reaction: 'notify-only', audit: [], notes: [], dryRun: false });

    // Assess
    expect(alert.description).toBe('*Alarm:* the alarm fired\n*What ecs-autopilot did (notify-only):*\n• nothing');
    expect(alert.nextSteps).toEqual([
      'Open the alarm and the resource it watches; this alarm is configured to notify only.',
    ]);
    expect(alert.relatedResources).toEqual([ALARM_ARN]);
  });

  it("informs of the recovery in the alarm's thread, apart from the ALARM, without the actions", () => {
    // Act
    const alarm = alarmAlert({
      event: fired,
      reaction: 'scale-out',
      service,
      audit: [applied],
      notes: [],
      dryRun: false,
    });
    const ok = alarmAlert({ event: recovered, reaction: 'scale-out', service, audit: [], notes: [], dryRun: false });

    // Assess
    expect(ok).toMatchObject({
      severity: 'info',
      kind: 'alarm/recovered',
      title: 'prod/web: recovered prod-web-unhealthy-hosts',
      nextSteps: [],
    });
    expect(ok.description).toBe('*Recovered:* the alarm is OK again');
    expect(ok.incidentId).toBe(alarm.incidentId);
    expect(ok.incidentId).toMatch(/^cloudwatch-alarm\/prod-web-unhealthy-hosts\/[0-9a-f]{16}$/);
    expect(ok.dedupKey).not.toBe(alarm.dedupKey);
  });

  it('threads two episodes of one alarm apart', () => {
    // Prepare
    const later = alarmEvent({}, { state: { value: 'ALARM', timestamp: '2026-11-24T14:00:00.000+0000' } });

    // Act
    const first = alarmAlert({ event: fired, reaction: 'scale-out', audit: [], notes: [], dryRun: false });
    const second = alarmAlert({ event: later, reaction: 'scale-out', audit: [], notes: [], dryRun: false });

    // Assess
    expect(second.incidentId).not.toBe(first.incidentId);
  });
});
