import { type MotoProxy, selector } from './moto-proxy.js';

/**
 * moto does not record when a task stopped (`stoppedAt`, `stoppingAt`); real ECS always does. This rule stamps the
 * stopped tasks of DescribeTasks answers with the given time, so grace periods can be judged as against AWS.
 */
export function stampStoppedTasks(proxy: MotoProxy, stoppedAt: Date): () => void {
  const isDescribeTasks = selector('ecs:DescribeTasks');
  return proxy.addRule({
    name: 'stamp stoppedAt on stopped tasks',
    match: isDescribeTasks,
    rewrite: (_call, upstream) => {
      if (upstream.status !== 200) return upstream;
      const answer = JSON.parse(upstream.body.toString('utf8')) as { tasks?: Array<Record<string, unknown>> };
      const epochSeconds = stoppedAt.getTime() / 1000;
      for (const task of answer.tasks ?? []) {
        if (task.lastStatus === 'STOPPED' && task.stoppedAt === undefined) {
          task.stoppingAt = epochSeconds;
          task.stoppedAt = epochSeconds;
        }
      }
      return { ...upstream, body: Buffer.from(JSON.stringify(answer)) };
    },
  });
}
