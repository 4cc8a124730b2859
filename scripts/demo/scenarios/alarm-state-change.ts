import { type AlarmEventOptions, alarmStateChangeEvent } from '#local/alarm-events.js';
import { alerts, applied, refusedBy } from '../claims.js';
import { say } from '../print.js';
import type { Played, Scenario, Stage } from '../stage.js';

/** Delivers an alarm event to the alarm-state-change handler and prints the rule it matched and its plan's notes. */
async function deliver(stage: Stage, options: AlarmEventOptions): Promise<Played> {
  const event = alarmStateChangeEvent(stage.world, options);
  const { alarmName, previousState, state } = event.detail;
  say('event', `CloudWatch Alarm State Change: ${alarmName} ${previousState.value} → ${state.value}`);
  say('reason', state.reason);
  const reaction = await stage.handlers.alarm(event);
  if (reaction.reaction) {
    const on = reaction.service ? ` on ${reaction.service.clusterName}/${reaction.service.serviceName}` : '';
    say('rule', `${reaction.reaction}${on}`);
  }
  if (reaction.plan?.notes.length) say('plan notes', reaction.plan.notes);
  return { audit: reaction.audit, ignored: reaction.ignored };
}

/** CPU alarms on web, `minutesLater` after the demo's first one; the low alarm compares below its threshold. */
const cpu = (direction: 'high' | 'low', minutesLater: number, startedAt: number): AlarmEventOptions => ({
  alarmName: `prod-web-cpu-${direction}`,
  subject: { service: 'web' },
  at: new Date(startedAt + minutesLater * 60_000).toISOString(),
  metric:
    direction === 'high'
      ? { namespace: 'AWS/ECS', name: 'CPUUtilization', stat: 'Average', threshold: 70, comparison: 'greater' }
      : { namespace: 'AWS/ECS', name: 'CPUUtilization', stat: 'Average', threshold: 20, comparison: 'less' },
});

/** The alarm-state-change reaction: an unhealthy target, then scaling out, the cooldown, and scaling in. */
export function alarmStateChangeScenarios(): Scenario[] {
  // The alarms are dated in the last few minutes, never ahead of the clock: a future-dated alarm is not acted on.
  const startedAt = Date.now() - 3 * 60_000;
  return [
    {
      title: 'An ALB alarm: one web target fails its health checks (the proxy makes moto say so); it is replaced',
      service: 'web',
      claims: [applied('deregister'), applied('stop task'), alerts(1)],
      play: (stage) => {
        const web2 = stage.world.services.web?.tasks[2];
        const targetGroupArn = stage.world.services.web?.targetGroupArns[0];
        if (web2 === undefined || targetGroupArn === undefined) throw new Error('the demo world has no web task 2');
        stage.proxy.setTargetHealth(
          targetGroupArn,
          { id: web2.ip, port: web2.port },
          'unhealthy',
          'Target.ResponseCodeMismatch',
        );
        return deliver(stage, { alarmName: 'prod-web-unhealthy-hosts', subject: { targetGroupArn } });
      },
    },
    {
      title: 'CPU is high on web: scale out by one task, within the configured bounds',
      claims: [applied('scale out'), alerts(1)],
      play: (stage) => deliver(stage, cpu('high', 0, startedAt)),
    },
    {
      title: 'CPU is high again, inside the cooldown: refused by the scale-out cooldown',
      claims: [refusedBy('cooldown'), alerts(1)],
      play: (stage) => deliver(stage, cpu('high', 1, startedAt)),
    },
    {
      title: 'CPU is low two minutes later: scale in by one task (scale-in has its own cooldown)',
      claims: [applied('scale in'), alerts(1)],
      play: (stage) => deliver(stage, cpu('low', 2, startedAt)),
    },
  ];
}
