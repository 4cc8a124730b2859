import { Logger } from '@aws-lambda-powertools/logger';
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  InvalidTargetException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { actionKey, type DeregisterTargetsAction, type TagServiceAction } from '#shared/executor/actions.js';
import type { ActionKind } from '#shared/executor/apply-and-verify.js';
import { Executor } from '#shared/executor/executor.js';
import { deregisterTargets } from '#shared/executor/kinds/elbv2.js';
import { TG_WEB } from '#test/support/builders.js';

const elbv2 = new ElasticLoadBalancingV2Client({ region: 'us-east-1' });
const elbv2Mock = mockClient(elbv2);
const subject = { clusterName: 'prod', serviceName: 'web' };

function deregister(overrides: Partial<DeregisterTargetsAction> = {}): DeregisterTargetsAction {
  return {
    kind: 'deregister-targets',
    subject,
    targetGroupArn: TG_WEB,
    targets: [{ id: '10.0.1.17', port: 8080 }],
    why: 'task stopped',
    basis: { inService: 3, healthy: 3, removingHealthy: 1 },
    ...overrides,
  };
}

/** A tag write that runs after `after`; its kind counts the writes it was asked for. */
function dependent(after: string): TagServiceAction {
  return { kind: 'tag-service', subject, serviceArn: 'arn:svc', tags: { [after]: 'v' }, why: 'after', after };
}

function setup(dryRun = false) {
  const logger = new Logger({ logLevel: 'SILENT' });
  const tagWrites = vi.fn(async () => ({ changed: true, evidence: 'tagged' }));
  const tagService: ActionKind<TagServiceAction> = {
    apply: tagWrites,
    verify: async (_a, _c, _m, applied) => ({ ok: true, evidence: applied.evidence }),
  };
  let clock = Date.parse('2026-11-24T12:00:00.000Z');
  const executor = new Executor({
    clients: { elbv2 },
    kinds: { 'deregister-targets': deregisterTargets, 'tag-service': tagService },
    logger,
    dryRun,
    verification: { deregistration: 'acknowledged' },
    now: () => {
      clock += 250;
      return new Date(clock);
    },
  });
  return { executor, logger, tagWrites };
}

describe('Executor: prerequisites', () => {
  beforeEach(() => {
    elbv2Mock.reset();
  });

  it('runs a dependent action once its prerequisite was applied', async () => {
    // Prepare
    elbv2Mock.on(DeregisterTargetsCommand).resolves({});
    const { executor, tagWrites } = setup();
    const first = deregister();

    // Act
    const [, record] = await executor.run([first, dependent(actionKey(first))]);

    // Assess
    expect(record?.outcome).toBe('applied');
    expect(tagWrites).toHaveBeenCalledTimes(1);
  });

  it('runs a dependent action when its prerequisite found the work already done', async () => {
    // Prepare
    elbv2Mock.on(DeregisterTargetsCommand).rejects(new InvalidTargetException({ message: 'gone', $metadata: {} }));
    elbv2Mock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [{ Target: { Id: '10.0.1.17', Port: 8080 }, TargetHealth: { State: 'draining' } }],
    });
    const { executor, tagWrites } = setup();
    const first = deregister();

    // Act
    const [prerequisite, record] = await executor.run([first, dependent(actionKey(first))]);

    // Assess
    expect(prerequisite).toMatchObject({
      outcome: 'already-done',
      verification: { mode: 'acknowledged', ok: true, evidence: 'every target had already left the target group' },
    });
    expect(record?.outcome).toBe('applied');
    expect(tagWrites).toHaveBeenCalledTimes(1);
  });

  it('reports a removal as applied when the SDK retry is refused because its first attempt landed', async () => {
    // Prepare: the first attempt removed the target but its answer was lost; the retry finds it gone
    elbv2Mock
      .on(DeregisterTargetsCommand)
      .rejects(new InvalidTargetException({ message: 'gone', $metadata: { attempts: 2 } }));
    elbv2Mock.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
    const { executor } = setup();

    // Act
    const [record] = await executor.run([deregister()]);

    // Assess
    expect(record).toMatchObject({
      outcome: 'applied',
      verification: { ok: true, evidence: 'DeregisterTargets landed on an attempt whose answer was lost' },
    });
  });

  it('skips a dependent action whose prerequisite a guardrail blocked, failed, or never ran', async () => {
    // Prepare
    elbv2Mock.on(DeregisterTargetsCommand).rejects(new Error('throttled'));
    const { executor, tagWrites } = setup();
    const blocked = deregister({ basis: { inService: 1, healthy: 1, removingHealthy: 1 } });
    const failed = deregister({ targets: [{ id: '10.0.1.18', port: 8080 }] });

    // Act
    const records = await executor.run([
      blocked,
      dependent(actionKey(blocked)),
      failed,
      dependent(actionKey(failed)),
      dependent('deregister-targets|never-planned'),
    ]);

    // Assess
    expect(records.map((r) => r.outcome)).toEqual(['blocked', 'skipped', 'failed', 'skipped', 'skipped']);
    expect(records[1]?.error?.message).toBe(`its prerequisite ended blocked: ${actionKey(blocked)}`);
    expect(records[4]?.error?.message).toBe('its prerequisite ended not run: deregister-targets|never-planned');
    expect(tagWrites).not.toHaveBeenCalled();
  });

  it('in dry-run, lets a dependent action follow a prerequisite that was only a dry run, writing nothing', async () => {
    // Prepare
    const { executor, tagWrites } = setup(true);
    const first = deregister();

    // Act
    const records = await executor.run([first, dependent(actionKey(first))]);

    // Assess
    expect(records.map((r) => r.outcome)).toEqual(['dry-run', 'dry-run']);
    expect(tagWrites).not.toHaveBeenCalled();
    expect(elbv2Mock.calls()).toHaveLength(0);
  });
});

describe('Executor: prerequisites in dry-run', () => {
  it('still skips a dependent action whose prerequisite a guardrail blocked', async () => {
    // Prepare
    const { executor, tagWrites } = setup(true);
    const blocked = deregister({ basis: { inService: 1, healthy: 1, removingHealthy: 1 } });

    // Act
    const records = await executor.run([blocked, dependent(actionKey(blocked))]);

    // Assess
    expect(records.map((r) => r.outcome)).toEqual(['blocked', 'skipped']);
    expect(tagWrites).not.toHaveBeenCalled();
  });
});

describe('Executor: audit lines', () => {
  beforeEach(() => {
    elbv2Mock.reset();
  });

  it('logs each outcome at its level, with the reason of a refusal and the time it took', async () => {
    // Prepare
    elbv2Mock.on(DeregisterTargetsCommand).resolvesOnce({}).rejects(new Error('throttled'));
    const { executor, logger } = setup();
    const info = vi.spyOn(logger, 'info');
    const warn = vi.spyOn(logger, 'warn');
    const error = vi.spyOn(logger, 'error');

    // Act
    const [applied] = await executor.run([
      deregister(),
      deregister({
        targets: [{ id: '10.0.1.19', port: 8080 }],
        basis: { inService: 1, healthy: 1, removingHealthy: 1 },
      }),
      deregister({ targets: [{ id: '10.0.1.18', port: 8080 }] }),
    ]);

    // Assess
    expect(applied?.durationMs).toBe(250);
    expect(info).toHaveBeenCalledWith('applying: deregister 10.0.1.17:8080 from target group web-tg', {
      why: 'task stopped',
      subject,
    });
    const appliedLine = info.mock.calls.find(([message]) => String(message).startsWith('applied:'));
    expect(appliedLine?.[0]).toBe('applied: deregister 10.0.1.17:8080 from target group web-tg');
    expect(appliedLine?.[1]).toMatchObject({ audit: { outcome: 'applied', action: undefined }, subject });
    expect(warn.mock.calls[0]?.[0]).toBe('blocked: deregister 10.0.1.19:8080 from target group web-tg');
    expect(error.mock.calls[0]?.[0]).toBe(
      'failed: deregister 10.0.1.18:8080 from target group web-tg: Error: throttled',
    );
  });
});
