import { describe, expect, it } from 'vitest';
import type { StopClassification } from '#shared/tasks/classify.js';
import { clusterMissingAlert } from '#shared/tasks/cluster-missing.js';
import { crashLoopAlert, type FailedStop } from '#shared/tasks/crash-loop/report.js';
import { taskDetail, taskEvent } from '#test/support/builders.js';

const exited: StopClassification = {
  kind: 'essential-container-exited',
  severity: 'critical',
  routine: false,
  summary: 'an essential container exited: app (exit code 1)',
};
const oom: StopClassification = { ...exited, kind: 'out-of-memory', summary: 'app was killed for its memory limit' };

/** The n-th failed stop of prod/web, with what its event carried. */
function stop(n: number, overrides: Partial<FailedStop> = {}): FailedStop {
  return { taskArn: `arn:aws:ecs:us-east-1:111122223333:task/prod/task${n}`, classification: exited, ...overrides };
}

function alertOf(stops: FailedStop[], overrides: Partial<Parameters<typeof crashLoopAlert>[0]> = {}) {
  return crashLoopAlert({
    cluster: 'prod',
    service: 'web',
    region: 'eu-west-1',
    account: '111122223333',
    desiredCount: 10,
    windowSeconds: 600,
    verdict: { failedStops: 5, threshold: 5, raise: true },
    stops,
    dryRun: false,
    occurredAt: '2026-11-24T12:00:00.000Z',
    ...overrides,
  });
}

describe('Crash-loop alert: what the on-call engineer reads', () => {
  it('tells a crash loop no deployment started to look at what changed underneath, not to roll back', () => {
    // Prepare: tasks started by hand or by a scheduler, not by a deployment
    const stops = [stop(1, { startedBy: 'nightly-job' }), stop(2)];

    // Act
    const alert = alertOf(stops);

    // Assess
    expect(alert.description).toContain('*Deployment:* none: the tasks were not started by a deployment.');
    expect(alert.nextSteps[0]).toBe(
      'No deployment started these tasks: check what changed underneath them (a secret, a dependency, capacity).',
    );
  });

  it('quotes the classification of a stop whose event carried no stop reason, and counts repeats', () => {
    // Prepare
    const stops = [stop(1), stop(2), stop(3, { stoppedReason: 'Task failed container health checks' })];

    // Act
    const alert = alertOf(stops);

    // Assess
    expect(alert.description).toContain(
      '*Stop reasons seen:*\n• an essential container exited: app (exit code 1) (×2)\n• Task failed container health checks\n',
    );
  });

  it('names the most frequent task definition first and reads the next steps on it', () => {
    // Prepare
    const def = (revision: number) => `arn:aws:ecs:eu-west-1:111122223333:task-definition/web:${revision}`;
    const stops = [
      stop(1, { taskDefinitionArn: def(41) }),
      stop(2, { taskDefinitionArn: def(42) }),
      stop(3, { taskDefinitionArn: def(42) }),
    ];

    // Act
    const alert = alertOf(stops);

    // Assess
    expect(alert.description).toContain('*Task definition:* `web:42` (×2), `web:41`.');
    expect(alert.nextSteps[1]).toBe(
      'Read the last log lines of a stopped task of `web:42`: the stop reasons above say where to look.',
    );
    expect(alert.incidentId).toBe('crash-loop/prod/web/web:42');
    expect(alert.facts).toEqual([
      { label: 'Failed tasks', value: '5' },
      { label: 'Threshold', value: '5' },
      { label: 'Task definition', value: 'web:42' },
    ]);
  });

  it('says the task definition is unknown when no event named one', () => {
    // Act
    const alert = alertOf([stop(1)]);

    // Assess
    expect(alert.description).toContain('*Task definition:* unknown.');
    expect(alert.incidentId).toBe('crash-loop/prod/web/unknown');
    expect(alert.facts?.[2]).toEqual({ label: 'Task definition', value: 'unknown' });
  });

  it('lists each deployment once with how many of the stops it started', () => {
    // Prepare
    const stops = [
      stop(1, { startedBy: 'ecs-svc/1' }),
      stop(2, { startedBy: 'ecs-svc/2' }),
      stop(3, { startedBy: 'ecs-svc/2' }),
    ];

    // Act
    const alert = alertOf(stops);

    // Assess
    expect(alert.description).toContain('*Deployment:* `ecs-svc/2` (×2), `ecs-svc/1`.');
  });

  it('rounds the window to whole minutes in the title and the account and region are the service’s', () => {
    // Act
    const alert = alertOf([stop(1)], { windowSeconds: 150, verdict: { failedStops: 3, threshold: 3, raise: true } });

    // Assess
    expect(alert.title).toBe('prod/web: crash loop, 3 failed tasks in 3 min');
    expect(alert.description).toContain('3 tasks of `prod/web` failed within 3 minutes: the threshold is 3');
    expect(alert).toMatchObject({ region: 'eu-west-1', account: '111122223333', cluster: 'prod', service: 'web' });
  });

  it('keys each kind of failure once, and names at most 20 distinct stopped tasks', () => {
    // Prepare: 25 stops, one reported twice
    const stops = [...Array.from({ length: 25 }, (_, n) => stop(n, { classification: n % 2 ? oom : exited })), stop(0)];

    // Act
    const alert = alertOf(stops);

    // Assess
    expect(alert.keywords).toEqual(['crash-loop', 'essential-container-exited', 'out-of-memory']);
    expect(alert.relatedResources).toHaveLength(20);
    expect(new Set(alert.relatedResources).size).toBe(20);
    expect(alert.relatedResources[0]).toBe(stop(0).taskArn);
  });

  it('carries the dry run, the time and a link to the service', () => {
    // Act
    const alert = alertOf([stop(1)], { dryRun: true, occurredAt: '2026-11-24T12:34:56.000Z' });

    // Assess
    expect(alert.dryRun).toBe(true);
    expect(alert.occurredAt).toBe('2026-11-24T12:34:56.000Z');
    expect(alert.links).toHaveLength(1);
    expect(alert.links[0]?.label).toBe('Service');
    expect(alert.links[0]?.url).toContain('prod');
  });

  it('names a crash loop in another account or region by that place, so it is another incident', () => {
    // Act
    const alert = alertOf([stop(1)], { home: { account: '999988887777', region: 'us-east-1' } });

    // Assess
    expect(alert.incidentId).toBe('crash-loop/111122223333/eu-west-1/prod/web/unknown');
  });
});

describe('Cluster-missing warning', () => {
  it('is one warning per cluster that says where it was looked for and what to check', () => {
    // Prepare
    const event = taskEvent(taskDetail());

    // Act
    const alert = clusterMissingAlert('prod', event);

    // Assess
    expect(alert).toMatchObject({
      incidentId: 'config/cluster-missing/prod',
      severity: 'warning',
      kind: 'config/cluster-missing',
      title: 'prod: the config manages a cluster that does not exist in 111122223333/us-east-1',
      cluster: 'prod',
      service: '',
      region: 'us-east-1',
      account: '111122223333',
      dryRun: false,
      occurredAt: event.time,
      relatedResources: [event.detail.clusterArn],
      keywords: ['config', 'cluster-missing'],
      links: [],
    });
    expect(alert?.description).toBe(
      "*What happened:* an ECS task event names cluster `prod`, which the config manages, but ECS answers that no such cluster exists in account 111122223333, region us-east-1.\n*What ecs-autopilot did:* nothing for this cluster's events; the other clusters are handled as usual.",
    );
    expect(alert?.nextSteps).toEqual([
      'Check the cluster name in ecs-autopilot.yml against the clusters of this account and region.',
      'If the cluster was deleted on purpose, remove it from the config.',
    ]);
  });

  it('keeps the incident of a very long cluster name within 128 characters', () => {
    // Act
    const alert = clusterMissingAlert('c'.repeat(200), taskEvent(taskDetail()));

    // Assess
    expect(alert?.incidentId).toBe(`config/cluster-missing/${'c'.repeat(200)}`.slice(0, 128));
  });

  it('raises nothing without an event to say where', () => {
    // Assess
    expect(clusterMissingAlert('prod', undefined)).toBeUndefined();
  });
});
