import type { Logger } from '@aws-lambda-powertools/logger';
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2ServiceException,
  InvalidTargetException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditLine } from '#shared/executor/audit.js';
import { guard } from '#shared/executor/guardrails.js';
import { TG_WEB } from '#test/support/builders.js';
import { action, elbv2Mock, executor } from '#test/support/executor.js';

describe('Guardrails: guard', () => {
  it('allows a deregistration that leaves registered targets behind', () => {
    expect(guard(action())).toEqual({ allowed: true });
  });

  it('refuses to leave a target group with no registered target', () => {
    // Act
    const verdict = guard(action({ basis: { inService: 1, healthy: 1, removingHealthy: 1 } }));

    // Assess
    expect(verdict).toMatchObject({ allowed: false, rule: 'never-empty' });
  });
});

describe('Executor: run', () => {
  beforeEach(() => {
    elbv2Mock.reset();
  });

  it('writes once and records the acknowledged write', async () => {
    // Prepare
    elbv2Mock.on(DeregisterTargetsCommand).resolves({});

    // Act
    const [record] = await executor().run([action()]);

    // Assess
    expect(record).toMatchObject({ outcome: 'applied', verification: { mode: 'acknowledged', ok: true } });
    expect(elbv2Mock.commandCalls(DeregisterTargetsCommand)[0]?.args[0].input).toEqual({
      TargetGroupArn: TG_WEB,
      Targets: [{ Id: '10.0.1.17', Port: 8080 }],
    });
  });

  it('mutates nothing in dry-run and says what it would have done', async () => {
    // Act
    const [record] = await executor({ dryRun: true }).run([action()]);

    // Assess
    expect(record?.outcome).toBe('dry-run');
    expect(elbv2Mock.calls()).toHaveLength(0);
  });

  it('mutates nothing when a guardrail refuses, and records the rule', async () => {
    // Act
    const [record] = await executor().run([action({ basis: { inService: 1, healthy: 1, removingHealthy: 1 } })]);

    // Assess
    expect(record).toMatchObject({ outcome: 'blocked', guard: { rule: 'never-empty' } });
    expect(elbv2Mock.calls()).toHaveLength(0);
  });

  it('writes the same intended change only once per run', async () => {
    // Prepare
    elbv2Mock.on(DeregisterTargetsCommand).resolves({});

    // Act
    const records = await executor().run([action(), action()]);

    // Assess
    expect(records.map((r) => r.outcome)).toEqual(['applied', 'duplicate']);
    expect(elbv2Mock.commandCalls(DeregisterTargetsCommand)).toHaveLength(1);
  });

  it('retries with the targets still registered when one left between observation and write', async () => {
    // Prepare
    const targets = [
      { id: '10.0.1.17', port: 8080 },
      { id: '10.0.1.17', port: 9090 },
    ];
    elbv2Mock
      .on(DeregisterTargetsCommand)
      .rejectsOnce(new InvalidTargetException({ message: 'gone', $metadata: {} }))
      .resolves({});
    elbv2Mock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        {
          Target: { Id: '10.0.1.17', Port: 8080 },
          TargetHealth: { State: 'unavailable', Reason: 'Target.NotRegistered' },
        },
        { Target: { Id: '10.0.1.17', Port: 9090 }, TargetHealth: { State: 'healthy' } },
      ],
    });

    // Act
    const [record] = await executor().run([action({ targets })]);

    // Assess
    expect(record?.outcome).toBe('applied');
    expect(elbv2Mock.commandCalls(DeregisterTargetsCommand)[1]?.args[0].input.Targets).toEqual([
      { Id: '10.0.1.17', Port: 9090 },
    ]);
  });

  it('records a failed verification when a read-back still finds the target in service', async () => {
    // Prepare
    elbv2Mock.on(DeregisterTargetsCommand).resolves({});
    elbv2Mock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [{ Target: { Id: '10.0.1.17', Port: 8080 }, TargetHealth: { State: 'healthy' } }],
    });

    // Act
    const [record] = await executor({ verification: { deregistration: 'read-back' } }).run([action()]);

    // Assess
    expect(record).toMatchObject({ outcome: 'failed', verification: { mode: 'read-back', ok: false } });
    expect(record?.error?.message).toMatch(/still in service after the write: 10.0.1.17:8080 healthy/);
  });

  it('records a write that AWS refused as failed and goes on with the next action', async () => {
    // Prepare
    elbv2Mock.on(DeregisterTargetsCommand).rejectsOnce(new Error('Throttling')).resolves({});

    // Act
    const records = await executor().run([action(), action({ targetGroupArn: `${TG_WEB.slice(0, -1)}0` })]);

    // Assess
    expect(records.map((r) => r.outcome)).toEqual(['failed', 'applied']);
  });

  it('keeps the error of a refused write whole: its name, message, request id and the error itself', async () => {
    // Prepare
    const refused = new ElasticLoadBalancingV2ServiceException({
      name: 'AccessDenied',
      message: 'User is not authorized to perform: elasticloadbalancing:DeregisterTargets',
      $fault: 'client',
      $metadata: { httpStatusCode: 403, requestId: 'c7a2f0e1-5b1d-4e0a-9f0e-1d2c3b4a5f60' },
    });
    elbv2Mock.on(DeregisterTargetsCommand).rejects(refused);

    // Act
    const [record] = await executor().run([action()]);

    // Assess
    expect(record?.outcome).toBe('failed');
    expect(record?.error).toEqual({
      name: 'AccessDenied',
      message: 'User is not authorized to perform: elasticloadbalancing:DeregisterTargets',
      requestId: 'c7a2f0e1-5b1d-4e0a-9f0e-1d2c3b4a5f60',
    });
    expect(record?.error?.cause).toBe(refused);
    expect(JSON.parse(JSON.stringify(record?.error))).toEqual(record?.error);
    expect(record && auditLine(record)).toBe(
      '• FAILED to deregister 10.0.1.17:8080 from target group web-tg: AccessDenied: User is not authorized to perform: elasticloadbalancing:DeregisterTargets (request id c7a2f0e1-5b1d-4e0a-9f0e-1d2c3b4a5f60)',
    );
  });

  it('names the request id in the audit log line and logs the error itself beside it', async () => {
    // Prepare
    const lines: Array<{ message: string; attributes: Record<string, unknown> }> = [];
    const capture = (message: string, attributes: Record<string, unknown>) => lines.push({ message, attributes });
    const capturing = { info: capture, warn: capture, error: capture, debug: capture } as unknown as Logger;
    const refused = new ElasticLoadBalancingV2ServiceException({
      name: 'Throttling',
      message: 'Rate exceeded',
      $fault: 'client',
      $metadata: { requestId: 'req-42' },
    });
    elbv2Mock.on(DeregisterTargetsCommand).rejects(refused);

    // Act
    await executor({ logger: capturing }).run([action()]);

    // Assess
    const failed = lines.find((l) => l.message.startsWith('failed:'));
    expect(failed?.message).toBe(
      'failed: deregister 10.0.1.17:8080 from target group web-tg: Throttling: Rate exceeded (request id req-42)',
    );
    expect(failed?.attributes.error).toBe(refused);
  });

  it('says what its own refusals mean without a class name: a failed read-back, a prerequisite that did not hold', async () => {
    // Prepare
    elbv2Mock.on(DeregisterTargetsCommand).resolves({});
    elbv2Mock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [{ Target: { Id: '10.0.1.17', Port: 8080 }, TargetHealth: { State: 'healthy' } }],
    });
    const first = action();
    const second = action({ targetGroupArn: `${TG_WEB.slice(0, -1)}0`, after: 'never-ran' });

    // Act
    const records = await executor({ verification: { deregistration: 'read-back' } }).run([first, second]);

    // Assess
    expect(records.map((r) => r.error?.name)).toEqual(['VerificationFailedError', 'PrerequisiteNotMetError']);
    expect(records.map(auditLine)).toEqual([
      '• FAILED to deregister 10.0.1.17:8080 from target group web-tg: verification failed: still in service after the write: 10.0.1.17:8080 healthy',
      '• did not deregister 10.0.1.17:8080 from target group web-tg: its prerequisite ended not run: never-ran',
    ]);
  });
});
