import { describe, expect, it } from 'vitest';
import { serviceStopsAlert } from '#shared/tasks/batch-report.js';
import { classifyStop } from '#shared/tasks/classify.js';
import { taskDetail, taskEvent } from '#test/support/builders.js';

/** The n-th stop of prod/web, stopping at second n after noon. */
function stop(n: number) {
  const id = `${String(n).padStart(4, '0')}e5f60718293a4b5c6d7e8f90abcd`;
  const detail = taskDetail({
    taskArn: `arn:aws:ecs:us-east-1:111122223333:task/prod/${id}`,
    stoppingAt: new Date(Date.parse('2026-11-24T12:00:00.000Z') + n * 1000).toISOString(),
  });
  return { event: taskEvent(detail), classification: classifyStop(detail), missing: [] };
}

const report = (stops: ReturnType<typeof stop>[]) => ({
  clusterName: 'prod',
  serviceName: 'web',
  stops,
  outcomes: [],
  windowStart: '2026-11-24T12:00:00.000Z',
  dryRun: false,
  notes: [],
});

describe('Report: serviceStopsAlert', () => {
  it('says how many stops the alert stands for and when the first and the last happened', () => {
    // Prepare
    const stops = [stop(7), stop(3), stop(12)];

    // Act
    const alert = serviceStopsAlert(report(stops));

    // Assess
    expect(alert?.occurrences).toEqual({
      count: 3,
      firstAt: '2026-11-24T12:00:03.000Z',
      lastAt: '2026-11-24T12:00:12.000Z',
    });
  });

  it('counts a lone stop as one, at its own time', () => {
    // Act
    const alert = serviceStopsAlert(report([stop(5)]));

    // Assess
    expect(alert?.occurrences).toEqual({
      count: 1,
      firstAt: '2026-11-24T12:00:05.000Z',
      lastAt: '2026-11-24T12:00:05.000Z',
    });
  });
});
