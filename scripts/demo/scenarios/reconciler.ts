import { stampStoppedTasks } from '#local/moto-proxy-rules.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { alerts, applied } from '../claims.js';
import { say } from '../print.js';
import type { Scenario } from '../stage.js';

/** The reconciler: a stop event that never arrived, and the sweep that catches up. */
export function reconcilerScenarios(): Scenario[] {
  return [
    {
      title: 'A task stopped and its stop event was lost: the scheduled sweep deregisters the orphan targets',
      service: 'web',
      claims: [applied('deregister'), alerts(1)],
      play: async (stage) => {
        const web3 = stage.world.services.web?.tasks[3];
        if (web3 === undefined) throw new Error('the demo world has no web task 3');
        await stage.stopInEcs(web3);
        stampStoppedTasks(stage.proxy, new Date(Date.now() - 30 * 60_000));
        say('event', 'Scheduled Event: the reconciliation sweep');
        const run = await stage.handlers.reconciler(scheduledEvent(stage.world));
        const services = run.services.map((s) => `${s.serviceName}: ${s.running} running, ${s.stopped} stopped`);
        say('observed', `${services.join('; ')}; ${run.targetGroups} target groups`);
        return { audit: run.audit };
      },
    },
  ];
}
