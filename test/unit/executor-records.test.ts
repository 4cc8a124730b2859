import { describe, expect, it } from 'vitest';
import { type Action, actionKey, describeAction } from '#shared/executor/actions.js';
import { type AuditRecord, auditErrorOf, auditErrorText, auditLine, troubled } from '#shared/executor/audit.js';
import { VerificationFailedError } from '#shared/executor/errors.js';

const subject = { clusterName: 'prod', serviceName: 'web' };
const TG = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web-blue/0123456789abcdef';
const TG2 = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web-green/fedcba9876543210';
const RULE =
  'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
const cooldown = { direction: 'out' as const, cooldownSeconds: 0, now: '2026-11-24T12:00:00Z' };
const expected = { targetGroups: [] };

/** One action of each kind, with its key and its line, in that order. */
const actions: Array<[Action, string, string]> = [
  [
    {
      kind: 'deregister-targets',
      subject,
      targetGroupArn: TG,
      targets: [
        { id: '10.0.1.18', port: 8080 },
        { id: '10.0.1.17', port: 8080 },
      ],
      basis: { inService: 3, healthy: 3, removingHealthy: 0 },
      why: 'oom',
    },
    `deregister-targets|${TG}|10.0.1.17:8080,10.0.1.18:8080`,
    'deregister 10.0.1.18:8080, 10.0.1.17:8080 from target group web-blue',
  ],
  [
    {
      kind: 'stop-task',
      subject,
      clusterName: 'prod',
      taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/0123456789abcdef0123456789abcdef',
      reason: 'unhealthy',
      why: 'unhealthy',
    },
    'stop-task|arn:aws:ecs:us-east-1:111122223333:task/prod/0123456789abcdef0123456789abcdef',
    'stop task 01234567 so ECS replaces it',
  ],
  [
    {
      kind: 'set-desired-count',
      subject,
      clusterName: 'prod',
      serviceName: 'web',
      from: 4,
      to: 6,
      direction: 'out',
      basis: { ...cooldown, bounds: { min: 1, max: 10 } },
      why: 'cpu',
    },
    'set-desired-count|prod/web|6',
    'scale out web from 4 to 6 tasks',
  ],
  [
    {
      kind: 'set-scalable-target-bounds',
      subject,
      resourceId: 'service/prod/web',
      from: { min: 2, max: 20 },
      to: { min: 0, max: 20 },
      why: 'scaled in',
    },
    'set-scalable-target-bounds|service/prod/web|0-20',
    'set the scalable target service/prod/web to min 0, max 20 (was 2-20)',
  ],
  [
    {
      kind: 'tag-service',
      subject,
      serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web',
      tags: { b: '2', a: '1' },
      why: 'baseline',
    },
    'tag-service|arn:aws:ecs:us-east-1:111122223333:service/prod/web|a,b',
    'tag service web with b=2, a=1',
  ],
  [
    {
      kind: 'set-forward-weights',
      subject,
      actionArn: RULE,
      weights: { [TG2]: 10, [TG]: 90 },
      expected,
      basis: [],
      attempts: 3,
      why: 'step',
    },
    `set-forward-weights|${RULE}|${TG}=90,${TG2}=10`,
    'set weights web-green=10, web-blue=90 on rule 9683b2d02a6cabee',
  ],
  [
    {
      kind: 'set-forward-weights',
      subject,
      actionArn: LISTENER,
      weights: { [TG]: 100 },
      expected,
      basis: [],
      attempts: 3,
      why: 'step',
    },
    `set-forward-weights|${LISTENER}|${TG}=100`,
    'set weights web-blue=100 on listener f2f7dc8efc522ab2',
  ],
  [
    {
      kind: 'set-task-definition',
      subject,
      clusterName: 'prod',
      serviceName: 'web-green',
      taskDefinition: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:42',
      why: 'release',
    },
    'set-task-definition|prod/web-green|arn:aws:ecs:us-east-1:111122223333:task-definition/web:42',
    'deploy web:42 to web-green',
  ],
];

function record(outcome: AuditRecord['outcome'], more: Partial<AuditRecord> = {}): AuditRecord {
  const [action] = actions[2] as [Action, string, string];
  return {
    action,
    description: 'scale out web',
    outcome,
    why: 'cpu',
    at: '2026-11-24T12:00:00Z',
    durationMs: 5,
    ...more,
  };
}

describe('Executor: action keys and lines', () => {
  it.each(actions)('keys %# whatever the order of its parts, and describes it in one line', (action, key, line) => {
    // Assess
    expect(actionKey(action)).toBe(key);
    expect(describeAction(action)).toBe(line);
  });
});

describe('Executor: audit lines', () => {
  it('says what came of each action, with its evidence, guardrail or error', () => {
    // Prepare
    const verification = { mode: 'read-back' as const, ok: true, evidence: 'desired count 6' };
    const error = auditErrorOf(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const lines = [
      record('applied', { verification }),
      record('applied'),
      record('already-done', { verification }),
      record('already-done'),
      record('dry-run'),
      record('blocked', { guard: { rule: 'cooldown', why: 'scaled 30 s ago' } }),
      record('duplicate'),
      record('skipped', { error }),
      record('skipped'),
      record('failed', { error }),
      record('failed'),
    ].map(auditLine);

    // Assess
    expect(lines).toEqual([
      '• scale out web (verified: desired count 6)',
      '• scale out web (verified: yes)',
      '• scale out web: nothing to do, desired count 6',
      '• scale out web: nothing to do, already done',
      '• would scale out web (dry run: nothing changed)',
      '• did not scale out web: guardrail cooldown: scaled 30 s ago',
      '• scale out web: already done in this run',
      '• did not scale out web: ThrottlingException: Rate exceeded',
      '• did not scale out web: skipped',
      '• FAILED to scale out web: ThrottlingException: Rate exceeded',
      '• FAILED to scale out web: failed',
    ]);
  });

  it("keeps AWS's request id, and says our own errors in their own words", () => {
    // Prepare
    const aws = Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { requestId: 'req-1' } });
    const blankId = Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { requestId: '' } });

    // Act
    const kept = auditErrorOf(aws);

    // Assess
    expect(kept).toEqual({ name: 'AccessDenied', message: 'denied', requestId: 'req-1' });
    expect(kept.cause).toBe(aws);
    expect(Object.keys(kept)).not.toContain('cause');
    expect(auditErrorText(kept)).toBe('AccessDenied: denied (request id req-1)');
    expect(auditErrorOf(blankId)).toEqual({ name: 'AccessDenied', message: 'denied' });
    expect(auditErrorText(auditErrorOf(new VerificationFailedError('read 4')))).toBe('verification failed: read 4');
    expect(auditErrorOf('plain words')).toEqual({ name: 'Error', message: 'plain words' });
    expect(auditErrorOf(null)).toEqual({ name: 'Error', message: 'null' });
    expect(auditErrorOf(Object.assign(new Error('x'), { $metadata: { requestId: 42 } }))).not.toHaveProperty(
      'requestId',
    );
  });

  it('calls a run troubled when an action failed, was blocked or skipped, and only then', () => {
    // Assess
    expect(['failed', 'blocked', 'skipped'].map((o) => troubled([record('applied'), record(o as 'failed')]))).toEqual([
      true,
      true,
      true,
    ]);
    expect(troubled(['applied', 'already-done', 'dry-run', 'duplicate'].map((o) => record(o as 'applied')))).toBe(
      false,
    );
  });
});
