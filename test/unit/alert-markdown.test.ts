import { describe, expect, it } from 'vitest';
import { alarmAlert } from '#shared/alarms/report.js';
import { AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import { ServiceEventSchema } from '#shared/events/service-events.js';
import { toChatbotNotification } from '#shared/notify/chatbot.js';
import { inert } from '#shared/notify/markdown.js';
import { classifyServiceEvent, serviceSubject } from '#shared/service-events/classify.js';
import { serviceEventAlert } from '#shared/service-events/report.js';
import { classifyStop } from '#shared/tasks/classify.js';
import { taskStopAlert } from '#shared/tasks/report.js';
import * as v from '#shared/validation/input-schema.js';
import { config, taskDetail, taskEvent } from '#test/support/builders.js';
import { loadEvent } from '#test/support/fixtures.js';

const LURE =
  'see [Open runbook](https://evil.example/login) or <https://evil.example|the runbook>\n# now *urgent* `rm -rf`';

/** A Markdown link, an angle-bracket link, a heading, emphasis or code span that the lure would have made. */
const LIVE = /\[Open runbook\]\(|<https:|\n# |(?<!\\)\*urgent(?<!\\)\*|(?<!\\)`rm/;

describe('Alerts: text we did not write is inert Markdown', () => {
  it('escapes links, emphasis and code, and keeps the text on its line', () => {
    // Act
    const text = inert(LURE);

    // Assess
    expect(text).toBe(
      'see \\[Open runbook\\](https://evil.example/login) or &lt;https://evil.example|the runbook&gt; # now \\*urgent\\* \\`rm -rf\\`',
    );
    expect(text).not.toMatch(LIVE);
  });

  it("renders an alarm's reason in chat as typed, not as a link", () => {
    // Prepare
    const event = v.parse(AlarmStateChangeEventSchema, loadEvent('alarm-service-cpu-high'));
    event.detail.state.reason = LURE;

    // Act
    const alert = alarmAlert({ event, reaction: 'notify-only', audit: [], notes: [LURE], dryRun: false });
    const chat = toChatbotNotification(alert);

    // Assess
    expect(chat.content.description).toContain('\\[Open runbook\\](https://evil.example/login)');
    expect(chat.content.description).not.toMatch(LIVE);
  });

  it("renders a task's stop reason in chat as typed, not as a link", () => {
    // Prepare
    const detail = taskDetail({ stoppedReason: LURE, stopCode: 'TaskFailedToStart', lastStatus: 'DEACTIVATING' });
    const event = taskEvent(detail);

    // Act
    const alert = taskStopAlert({
      event,
      subject: { clusterName: 'prod', serviceName: 'web', taskArn: detail.taskArn },
      classification: classifyStop(detail),
      plan: { notes: [LURE] },
      audit: [],
      policy: config().taskFailures,
      dryRun: false,
    });

    // Assess
    expect(alert?.description).toContain('Open runbook');
    expect(alert?.description).not.toMatch(LIVE);
  });

  it("renders ECS's reason for a service event as typed, not as a link", () => {
    // Prepare
    const event = v.parse(ServiceEventSchema, loadEvent('service-task-placement-failure'));
    Object.assign(event.detail, { reason: LURE });
    const subject = serviceSubject(event);
    const classification = classifyServiceEvent(event);
    if ('why' in subject || !classification.alert) throw new Error('the sample must alert on a service');

    // Act
    const alert = serviceEventAlert({ event, subject, classification });

    // Assess
    expect(alert.description).toContain('\\[Open runbook\\]');
    expect(alert.description).not.toMatch(LIVE);
  });
});
