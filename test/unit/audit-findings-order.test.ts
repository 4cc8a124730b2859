import { describe, expect, it } from 'vitest';
import { runChecks } from '#shared/audit/checks/index.js';
import { atOrAbove, compareFindings, findingId } from '#shared/audit/finding.js';
import type { Finding, FindingDraft } from '#shared/audit/types.js';
import { cleanObservation, web } from './audit/observation.js';

const draft = (changes: Partial<FindingDraft> = {}): FindingDraft => ({
  check: 'scaling',
  kind: 'two-scalers',
  severity: 'warning',
  clusterName: 'prod',
  serviceName: 'web',
  resource: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web',
  problem: 'p',
  impact: 'i',
  fix: 'f',
  consoleUrl: 'https://console',
  facts: { policies: 'cpu' },
  ...changes,
});
const finding = (changes: Partial<Finding> = {}): Finding => ({ id: 'scaling/two-scalers/0', ...draft(), ...changes });

describe('findingId', () => {
  it('is the check and kind with a 16-digit hash, the same for the same finding whatever the order of its facts', () => {
    // Prepare
    const one = draft({ facts: { a: 1, b: 'x' } });
    const other = draft({ facts: { b: 'x', a: 1 }, problem: 'worded otherwise', consoleUrl: 'elsewhere' });

    // Act
    const ids = [findingId(one), findingId(other)];

    // Assess
    expect(ids[0]).toMatch(/^scaling\/two-scalers\/[0-9a-f]{16}$/);
    expect(ids[1]).toBe(ids[0]);
  });

  it('changes with the kind, the resource, the cluster, the service, the severity and each fact', () => {
    // Prepare
    const base = findingId(draft());
    const changed = [
      draft({ kind: 'other-kind' }),
      draft({ resource: 'sg-1' }),
      draft({ clusterName: 'staging' }),
      draft({ serviceName: 'api' }),
      draft({ severity: 'critical' }),
      draft({ facts: { policies: 'memory' } }),
      draft({ facts: { policies: 'cpu', extra: true } }),
      draft({ check: 'listeners' }),
    ];

    // Act
    const hashes = changed.map((d) => findingId(d).split('/')[2]);

    // Assess
    expect(new Set([base.split('/')[2], ...hashes]).size).toBe(changed.length + 1);
  });

  it('keeps a finding about no service apart from one about a service', () => {
    // Prepare
    const { serviceName: _, ...withoutService } = draft();

    // Act
    const ids = [findingId(withoutService), findingId(draft())];

    // Assess
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe('compareFindings', () => {
  it('orders by severity, then cluster, service, check, resource and id', () => {
    // Prepare
    const expected = [
      finding({ severity: 'critical', clusterName: 'zeta' }),
      finding({ clusterName: 'alpha' }),
      finding({ serviceName: undefined }),
      finding({ serviceName: 'api' }),
      finding({ check: 'listeners' }),
      finding({ resource: 'a-resource' }),
      finding({ id: 'scaling/two-scalers/1' }),
      finding({ id: 'scaling/two-scalers/2' }),
      finding({ severity: 'info', clusterName: 'alpha' }),
    ];

    // Act
    const sorted = [...expected].reverse().sort(compareFindings);

    // Assess
    expect(sorted).toEqual(expected);
  });

  it('sees two findings with the same id as equal', () => {
    // Act
    const order = compareFindings(finding(), finding());

    // Assess
    expect(order).toBe(0);
  });
});

describe('atOrAbove', () => {
  it('is true for the threshold itself and anything more severe, false for anything milder', () => {
    // Act
    const table = (['critical', 'warning', 'info'] as const).map((threshold) =>
      (['critical', 'warning', 'info'] as const).map((severity) => atOrAbove(severity, threshold)),
    );

    // Assess
    expect(table).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });
});

describe('runChecks', () => {
  it('runs every check on the observation and lists critical findings first', () => {
    // Prepare
    const observed = cleanObservation();
    const service = web(observed);
    service.desiredCount = 20;
    service.healthCheckGracePeriodSeconds = 0;
    service.loadBalancers = [{ containerName: 'app', containerPort: 81 }];

    // Act
    const findings = runChecks(observed);

    // Assess
    expect(findings.map((f) => `${f.severity} ${f.check}/${f.kind}`)).toEqual([
      'critical load-balancer-config/container-port-missing',
      'warning scaling/desired-count-out-of-bounds',
    ]);
    expect(findings.every((f) => f.id === findingId(f))).toBe(true);
  });
});
