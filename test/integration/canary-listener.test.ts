import { DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { canaryDriver, healthy } from '#local/canary-driver.js';
import { canaryClients, gateAlarm, provisionCanaryWorld } from '#local/canary-world.js';
import { refuseInvalidWeights } from '#local/moto-proxy-rules.js';
import type { CanaryTickResult } from '#shared/canary/react.js';
import { readCanary } from '#shared/canary/store.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const proxy = await useMotoProxy();
const START = '2026-11-26T06:00:00.000Z';
const STICKY = { enabled: true, durationSeconds: 3600 };
const LEGACY = { targetGroupArn: expect.stringContaining('targetgroup/web-legacy/'), weight: 20 };

const writes = (operation: string) =>
  proxy.calls().filter((c) => c.service === 'elasticloadbalancing' && c.operation === operation);

/** The weight writes of a tick: each must have been read back as written. */
const weightAudits = (result: CanaryTickResult) => result.audit.filter((a) => a.action.kind === 'set-forward-weights');

describe("Function: canary-promoter on a listener's default action (on moto)", () => {
  it('promotes through steps and rolls back with ModifyListener, keeping the third group and stickiness, every write read back', async () => {
    // Prepare: blue 100, green 0, legacy 20, stickiness on, as the default action of a listener of its own
    refuseInvalidWeights(proxy);
    const sent: Array<Record<string, string>> = [];
    proxy.addRule({
      name: 'keep what each ModifyListener sent',
      match: (call) => call.operation === 'ModifyListener',
      respond: (call) => {
        sent.push(call.params as Record<string, string>);
        return undefined;
      },
    });
    const world = await provisionCanaryWorld(proxy.endpoint, { forwardOn: 'listener', legacyWeight: 20 });
    await gateAlarm(world, 'web-5xx', 'OK');
    const driver = canaryDriver(world, { endpoint: proxy.endpoint, start: START });
    await driver.start();
    const ruleBefore = await canaryClients(world.endpoint).elbv2.send(
      new DescribeRulesCommand({ RuleArns: [world.ruleArn] }),
    );
    const results: CanaryTickResult[] = [];
    const seen: Array<{ green: number; legacy?: number; sticky?: unknown }> = [];
    const tick = async (errorsPerRequest = 0) => {
      const weights = await driver.weights();
      const share = (weights['web-green-tg1'] ?? 0) / 120;
      const canary = { ...healthy(share), errors: Math.round(10_000 * share * errorsPerRequest) };
      results.push(await driver.tick({ canary, stable: healthy(1 - share) }));
      const forward = await driver.forward();
      seen.push({
        green: forward?.targetGroups[1]?.weight ?? -1,
        legacy: forward?.targetGroups[2]?.weight,
        sticky: forward?.stickiness,
      });
    };

    // Act: ramp until the canary holds 25 % of the pair, then a 6 % canary 5xx rate fails the judge
    for (let minute = 0; minute < 12 && (seen.at(-1)?.green ?? 0) < 25; minute += 1) await tick();
    const ramped = seen.map((s) => s.green);
    for (let minute = 0; minute < 3 && (seen.at(-1)?.green ?? 0) > 0; minute += 1) await tick(0.06);

    // Assess
    expect([...new Set(ramped)]).toEqual([0, 5, 10, 25]);
    expect(seen.at(-1)?.green).toBe(0);
    for (const s of seen) expect(s).toMatchObject({ legacy: 20, sticky: STICKY });
    const forward = await driver.forward();
    expect(forward?.targetGroups).toEqual([
      { targetGroupArn: world.blueTargetGroupArn, weight: 100 },
      { targetGroupArn: world.greenTargetGroupArn, weight: 0 },
      LEGACY,
    ]);
    const audits = results.flatMap(weightAudits);
    expect(audits.length).toBeGreaterThanOrEqual(4);
    for (const audit of audits) {
      expect(audit).toMatchObject({
        outcome: 'applied',
        verification: { mode: 'read-back', ok: true, evidence: expect.stringMatching(/^read back .*web-legacy=20/) },
      });
      expect(audit.description).toMatch(/ on listener /);
    }
    expect(writes('ModifyListener')).toHaveLength(audits.length);
    expect(sent).toHaveLength(audits.length);
    for (const params of sent) {
      expect(params).toMatchObject({
        'DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig.Enabled': 'true',
        'DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig.DurationSeconds': '3600',
        'DefaultActions.member.1.ForwardConfig.TargetGroups.member.3.Weight': '20',
      });
    }
    expect(writes('ModifyRule')).toHaveLength(0);
    const ruleAfter = await canaryClients(world.endpoint).elbv2.send(
      new DescribeRulesCommand({ RuleArns: [world.ruleArn] }),
    );
    expect(ruleAfter.Rules?.[0]?.Actions).toEqual(ruleBefore.Rules?.[0]?.Actions);
    const record = (await readCanary(driver.store, 'web'))?.data;
    expect(record?.phase).toBe('rolled-back');
    expect(record?.history.find((h) => h.to === 'rolling-back')?.reason).toMatch(/5xx/);
  });
});
