import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  StopTaskCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { SetDesiredCountAction, StopTaskAction, TagServiceAction } from '../actions.js';
import { type ActionKind, need } from '../apply-and-verify.js';

/** Stops a task so that its service replaces it; read back with DescribeTasks. */
export const stopTask: ActionKind<StopTaskAction> = {
  async apply(action, clients) {
    const ecs = need(clients, 'ecs');
    await ecs.send(
      new StopTaskCommand({ cluster: action.clusterName, task: action.taskArn, reason: action.reason.slice(0, 255) }),
    );
    return { changed: true, evidence: 'StopTask accepted' };
  },
  async verify(action, clients) {
    const ecs = need(clients, 'ecs');
    const out = await ecs.send(new DescribeTasksCommand({ cluster: action.clusterName, tasks: [action.taskArn] }));
    const desired = out.tasks?.[0]?.desiredStatus;
    return { ok: desired === 'STOPPED', evidence: `read back: desired status ${desired ?? 'unknown'}` };
  },
};

/** Changes a service's desired count; read back with DescribeServices. */
export const setDesiredCount: ActionKind<SetDesiredCountAction> = {
  async apply(action, clients) {
    const ecs = need(clients, 'ecs');
    await ecs.send(
      new UpdateServiceCommand({ cluster: action.clusterName, service: action.serviceName, desiredCount: action.to }),
    );
    return { changed: true, evidence: 'UpdateService accepted' };
  },
  async verify(action, clients) {
    const ecs = need(clients, 'ecs');
    const out = await ecs.send(
      new DescribeServicesCommand({ cluster: action.clusterName, services: [action.serviceName] }),
    );
    const desired = out.services?.[0]?.desiredCount;
    return { ok: desired === action.to, evidence: `read back: desired count ${desired ?? 'unknown'}` };
  },
};

/** Writes tags on a service; acknowledged. */
export const tagService: ActionKind<TagServiceAction> = {
  async apply(action, clients) {
    const ecs = need(clients, 'ecs');
    await ecs.send(
      new TagResourceCommand({
        resourceArn: action.serviceArn,
        tags: Object.entries(action.tags).map(([key, value]) => ({ key, value })),
      }),
    );
    return { changed: true, evidence: 'TagResource accepted' };
  },
  async verify(_action, _clients, _mode, applied) {
    return { ok: true, evidence: applied.evidence };
  },
};
