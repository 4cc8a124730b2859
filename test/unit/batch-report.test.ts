import { describe, expect, it } from 'vitest';
import { serviceStopsAlert } from '#shared/tasks/batch-report.js';
import { classifyStop } from '#shared/tasks/classify.js';
import { TG_WEB, taskDetail, taskEvent } from '#test/support/builders.js';

describe('serviceStopsAlert', () => {
  /** A batch's report of one stop whose last target never-empty kept. */
  function keptLastReport(lastStatus: string, version: number) {
    const event = taskEvent(taskDetail({ lastStatus, version }));
    return serviceStopsAlert({
      clusterName: 'prod',
      serviceName: 'web',
      stops: [{ event, classification: classifyStop(event.detail), missing: [] }],
      outcomes: [
        {
          targetGroupArn: TG_WEB,
          plan: {
            needsWholeGroup: false,
            decisions: [
              { taskArn: event.detail.taskArn, target: '10.0.1.17:8080', verdict: 'kept-last', why: 'the last one' },
            ],
          },
          audit: [],
        },
      ],
      windowStart: '2026-11-24T12:00:00.000Z',
      dryRun: false,
      notes: [],
    });
  }

  it("gives a stop's STOPPING and STOPPED events one de-duplication key, so the outbox says it once", () => {
    // Prepare
    const stopping = keptLastReport('STOPPING', 3);

    // Act
    const stopped = keptLastReport('STOPPED', 4);

    // Assess
    expect(stopping?.dedupKey).toBeDefined();
    expect(stopped?.dedupKey).toBe(stopping?.dedupKey);
  });
});
