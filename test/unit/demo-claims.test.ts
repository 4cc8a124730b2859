import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '#shared/executor/audit.js';
import { alerts, applied, checkClaims, refusedBy, ScenarioClaimError } from '../../scripts/demo/claims.js';

/** An audit record as the executor writes it, with only what the claims read. */
const record = (fields: Partial<AuditRecord>): AuditRecord =>
  ({
    description: 'scale out web from 6 to 7 tasks',
    outcome: 'applied',
    why: 'CPU is high',
    ...fields,
  }) as AuditRecord;

describe('Demo: scenario claims', () => {
  it('holds a cooldown claim only when the cooldown guardrail refused', () => {
    // Prepare
    const byCooldown = [record({ outcome: 'blocked', guard: { rule: 'cooldown', why: 'last scale-out 60 s ago' } })];

    // Act
    const title = 'CPU is high again: refused by the cooldown';
    const check = (audit: AuditRecord[]) => () => checkClaims(title, [refusedBy('cooldown')], { audit, alerts: [] });

    // Assess: at the upper bound nothing reaches the executor, which is no cooldown.
    expect(check(byCooldown)).not.toThrow();
    expect(check([])).toThrow(ScenarioClaimError);
    expect(check([record({ outcome: 'blocked', guard: { rule: 'min-max', why: 'above 6' } })])).toThrow(
      /claims that the cooldown guardrail refused/,
    );
  });

  it('holds an applied claim only for a verified action of that kind, and counts the alerts', () => {
    // Prepare
    const audit = [record({ outcome: 'dry-run' })];

    // Act
    const check = () => checkClaims('scale out', [applied('scale out'), alerts(1)], { audit, alerts: [] });

    // Assess
    expect(check).toThrow(/claims that the executor applied "scale out" and 1 alert\(s\)/);
  });
});
