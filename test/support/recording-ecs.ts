import { ECSClient } from '@aws-sdk/client-ecs';

export const CLUSTER_ARN = 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod';
export const TG = 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/0123456789abcdef';

type Answer = (input: Record<string, unknown>) => unknown;

/** An ECS client (a real one, as the paginators require) that answers each command by its name and records it. */
export function recordingEcs(answers: Record<string, Answer>) {
  const sent: Array<{ command: string; input: Record<string, unknown> }> = [];
  const ecs = new ECSClient({ region: 'eu-west-1' });
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const name = command.constructor.name.replace(/Command$/, '');
    sent.push({ command: name, input: command.input });
    const answer = answers[name];
    if (!answer) throw new Error(`unexpected ${name}`);
    return answer(command.input);
  };
  ecs.send = send as unknown as ECSClient['send'];
  return { ecs, sent };
}

export const clusterNotFound = () => {
  throw Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' });
};
