import { afterEach, describe, expect, it, vi } from 'vitest';
import { countLostAlerts } from '#shared/logging/metrics.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Metrics: alerts lost to chat', () => {
  it('counts lost alerts at once under the service dimension alone, which one alarm watches for every function', () => {
    // Prepare
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });

    // Act
    countLostAlerts(2);

    // Assess
    const docs = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as { _aws: { CloudWatchMetrics: unknown[] } });
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ service: 'ecs-autopilot', AlertsLost: 2 });
    expect(docs[0]?._aws.CloudWatchMetrics).toEqual([
      { Namespace: 'ecs-autopilot', Dimensions: [['service']], Metrics: [{ Name: 'AlertsLost', Unit: 'Count' }] },
    ]);
  });
});
