import { describe, expect, it } from 'vitest';
import { classifyStop } from '#shared/tasks/classify.js';
import { taskStopAlert } from '#shared/tasks/report.js';
import { config, taskDetail, taskEvent } from '#test/support/builders.js';
import { describeReplay } from '../../cli/replay-command.js';

const REASON = 'exit <137> & *OOM* in [worker_1](https://example.com/#a) `main`';

describe('CLI: replay output', () => {
  it('prints the alert as plain text, not the escaped Markdown a chat channel gets', () => {
    // Prepare: a stop whose reason holds every character the chat Markdown escapes
    const detail = taskDetail({ stoppedReason: REASON, stopCode: 'TaskFailedToStart', lastStatus: 'DEACTIVATING' });
    const alert = taskStopAlert({
      event: taskEvent(detail),
      subject: { clusterName: 'prod', serviceName: 'web', taskArn: detail.taskArn },
      classification: classifyStop(detail),
      plan: { notes: [REASON] },
      audit: [],
      policy: config().taskFailures,
      dryRun: true,
    });

    // Act
    const text = describeReplay('task-state-change', true, { audit: [] }, alert ? [alert] : []);

    // Assess
    expect(alert?.description, 'the chat channel gets it escaped').toContain('&lt;137&gt;');
    expect(text).toContain(REASON);
    expect(text).not.toMatch(/&lt;|&gt;|\\[*_[\]`<>]/);
  });
});
