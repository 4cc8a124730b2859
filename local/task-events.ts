import { createHash, randomUUID } from 'node:crypto';
import type { TaskEni, World, WorldService } from './world.js';

/**
 * Builders of `ECS Task State Change` events for a provisioned {@link World}, shaped like the real capture
 * events/aws-samples/ecs-task-state-change-fargate-stopped-essential-container-exited.json (same fields, same
 * formats), with the world's ids, ARNs, IPs, account and region, and one essential container named `app`.
 */

/** A name/value pair of `attachments[].details` and `attributes`. */
export type NameValue = {
  name: string;
  value: string;
};

/** One container of the event's `detail.containers`. */
export type EventContainer = {
  containerArn: string;
  exitCode?: number;
  reason?: string;
  lastStatus: string;
  name: string;
  image: string;
  imageDigest: string;
  runtimeId: string;
  taskArn: string;
  networkInterfaces: Array<{ attachmentId: string; privateIpv4Address: string }>;
  cpu: string;
  managedAgents: Array<{ name: string; status: string }>;
};

/** The `detail` of an ECS Task State Change event (the DescribeTasks Task object); a type alias, so it is a Record. */
export type TaskStateChangeDetail = {
  attachments: Array<{ id: string; type: 'eni'; status: string; details: NameValue[] }>;
  attributes: NameValue[];
  availabilityZone: string;
  clusterArn: string;
  connectivity?: string;
  connectivityAt?: string;
  containers: EventContainer[];
  cpu: string;
  createdAt: string;
  desiredStatus: string;
  enableExecuteCommand: boolean;
  ephemeralStorage: { sizeInGiB: number };
  executionStoppedAt?: string;
  group: string;
  launchType: 'FARGATE';
  lastStatus: string;
  memory: string;
  overrides: { containerOverrides: Array<{ name: string }> };
  platformVersion: string;
  pullStartedAt?: string;
  pullStoppedAt?: string;
  startedAt?: string;
  startedBy?: string;
  stoppingAt?: string;
  stoppedAt?: string;
  stoppedReason?: string;
  stopCode?: string;
  taskArn: string;
  taskDefinitionArn: string;
  updatedAt: string;
  version: number;
};

/** An EventBridge `aws.ecs` / `ECS Task State Change` event. */
export type TaskStateChangeEventFixture = {
  version: '0';
  id: string;
  'detail-type': 'ECS Task State Change';
  source: 'aws.ecs';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: TaskStateChangeDetail;
};

/** What a test may change in {@link taskStateChangeEvent}; `null` removes an optional field. */
export interface TaskEventOverrides {
  /** Default `STOPPED`. */
  lastStatus?: string;
  /** Default `STOPPED`. */
  desiredStatus?: string;
  /** Default `EssentialContainerExited` while the task is stopping or stopped, absent otherwise. */
  stopCode?: string | null;
  /** Default `Essential container in task exited` while the task is stopping or stopped, absent otherwise. */
  stoppedReason?: string | null;
  /** `detail.version`; default 5. */
  version?: number;
  /** Event time (ISO); default now. `detail` timestamps are derived from it. */
  time?: string;
  /** Exit code of `app`; default 1 once the task is STOPPED, absent before. */
  exitCode?: number | null;
  /** `reason` of `app` (e.g. `OutOfMemoryError: Container killed due to memory usage`); default absent. */
  containerReason?: string;
  /** Default `service:<service>`. */
  group?: string;
  /** Default the service's primary deployment id. */
  startedBy?: string | null;
  /** Event id; default a random UUID. */
  id?: string;
  /** Service the task belongs to, for a task that is not in the world; default the service holding the task. */
  service?: string;
}

/** The task an event is about: a task of the world, or any ARN and IP (its ENI is then made up). */
export interface EventTask {
  taskArn: string;
  ip: string;
  eni?: TaskEni;
}

/** Builds an `ECS Task State Change` event for a task of the world; defaults describe an essential container exit. */
export function taskStateChangeEvent(
  world: World,
  task: EventTask,
  overrides: TaskEventOverrides = {},
): TaskStateChangeEventFixture {
  const service = serviceOf(world, task, overrides.service);
  const taskId = task.taskArn.split('/').at(-1) ?? task.taskArn;
  const eni = task.eni ?? madeUpEni(world, task);
  const lastStatus = overrides.lastStatus ?? 'STOPPED';
  const desiredStatus = overrides.desiredStatus ?? 'STOPPED';
  const stopped = lastStatus === 'STOPPED';
  const stopping = stopped || desiredStatus === 'STOPPED';
  const started = !['PROVISIONING', 'PENDING', 'ACTIVATING'].includes(lastStatus);
  const time = overrides.time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const at = (offsetMs: number) => new Date(Date.parse(time) + offsetMs).toISOString();

  const exitCode = overrides.exitCode === undefined ? (stopped ? 1 : undefined) : (overrides.exitCode ?? undefined);
  const stopCode = pick(overrides.stopCode, stopping ? 'EssentialContainerExited' : undefined);
  const stoppedReason = pick(overrides.stoppedReason, stopping ? 'Essential container in task exited' : undefined);
  const startedBy = pick(overrides.startedBy, service.deploymentId);

  const container: EventContainer = {
    containerArn: `arn:aws:ecs:${world.region}:${world.account}:container/${world.clusterName}/${taskId}/${uuidFrom(`${task.taskArn}/app`)}`,
    ...(exitCode === undefined ? {} : { exitCode }),
    ...(overrides.containerReason === undefined ? {} : { reason: overrides.containerReason }),
    lastStatus: stopped ? 'STOPPED' : started ? 'RUNNING' : 'PENDING',
    name: 'app',
    image: `public.ecr.aws/example/${service.serviceName}:latest`,
    imageDigest: `sha256:${hex(`${service.taskDefinitionArn}/image`, 64)}`,
    runtimeId: `${taskId}-${Number.parseInt(hex(`${task.taskArn}/runtime`, 8), 16)}`,
    taskArn: task.taskArn,
    networkInterfaces: [{ attachmentId: eni.attachmentId, privateIpv4Address: task.ip }],
    cpu: '256',
    managedAgents: [{ name: 'ExecuteCommandAgent', status: stopped ? 'STOPPED' : started ? 'RUNNING' : 'PENDING' }],
  };

  // Fields appear in the order of the real capture; lifecycle timestamps only once the task has reached them.
  const detail: TaskStateChangeDetail = {
    attachments: [
      {
        id: eni.attachmentId,
        type: 'eni',
        status: stopped ? 'DELETED' : 'ATTACHED',
        details: [
          { name: 'subnetId', value: eni.subnetId },
          { name: 'networkInterfaceId', value: eni.networkInterfaceId },
          { name: 'macAddress', value: eni.macAddress },
          { name: 'privateDnsName', value: eni.privateDnsName },
          { name: 'privateIPv4Address', value: task.ip },
        ],
      },
    ],
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: eni.availabilityZone,
    clusterArn: world.clusterArn,
    connectivity: 'CONNECTED',
    connectivityAt: at(-695_574),
    containers: [container],
    cpu: '256',
    createdAt: at(-699_616),
    desiredStatus,
    enableExecuteCommand: true,
    ephemeralStorage: { sizeInGiB: 20 },
    ...(stopped ? { executionStoppedAt: at(-37_674) } : {}),
    group: overrides.group ?? `service:${service.serviceName}`,
    launchType: 'FARGATE',
    lastStatus,
    memory: '512',
    overrides: { containerOverrides: [{ name: 'app' }] },
    platformVersion: '1.4.0',
    ...(started ? { pullStartedAt: at(-687_819), pullStoppedAt: at(-665_170), startedAt: at(-645_850) } : {}),
    ...(startedBy === undefined ? {} : { startedBy }),
    ...(stopping ? { stoppingAt: at(-12_867) } : {}),
    ...(stopped ? { stoppedAt: at(705) } : {}),
    ...(stoppedReason === undefined ? {} : { stoppedReason }),
    ...(stopCode === undefined ? {} : { stopCode }),
    taskArn: task.taskArn,
    taskDefinitionArn: service.taskDefinitionArn,
    updatedAt: at(705),
    version: overrides.version ?? 5,
  };

  return taskStateChangeEnvelope(detail, { account: world.account, region: world.region, time, id: overrides.id });
}

/**
 * The EventBridge envelope ECS puts around a task's detail, the one every task event of the tests and tools is built
 * with (these world-based events and the plain-data ones of test/support/builders.ts).
 */
export function taskStateChangeEnvelope<Detail extends { taskArn: string }>(
  detail: Detail,
  where: { account: string; region: string; time: string; id?: string | undefined },
) {
  return {
    version: '0' as const,
    id: where.id ?? randomUUID(),
    'detail-type': 'ECS Task State Change' as const,
    source: 'aws.ecs' as const,
    account: where.account,
    time: where.time,
    region: where.region,
    resources: [detail.taskArn],
    detail,
  };
}

function serviceOf(world: World, task: EventTask, name: string | undefined): WorldService {
  if (name !== undefined) {
    const named = world.services[name];
    if (named === undefined) throw new Error(`taskStateChangeEvent: no service ${name} in the world`);
    return named;
  }
  const holder = Object.values(world.services).find((service) =>
    service.tasks.some((candidate) => candidate.taskArn === task.taskArn),
  );
  if (holder === undefined) {
    throw new Error(`taskStateChangeEvent: task ${task.taskArn} is not in the world; pass overrides.service`);
  }
  return holder;
}

/** A plausible ENI for a task moto never started (derived from its ARN, so stable across calls). */
function madeUpEni(world: World, task: EventTask): TaskEni {
  const seed = hex(task.taskArn, 40);
  return {
    attachmentId: uuidFrom(`${task.taskArn}/attachment`),
    subnetId: world.subnetIds[0] ?? `subnet-${seed.slice(0, 17)}`,
    networkInterfaceId: `eni-${seed.slice(0, 17)}`,
    macAddress: `02:${(seed.slice(17, 27).match(/../g) ?? []).join(':')}`,
    privateDnsName: `ip-${task.ip.replaceAll('.', '-')}.ec2.internal`,
    availabilityZone: `${world.region}a`,
  };
}

/** `override` when given (null meaning "absent"), else the default. */
function pick(override: string | null | undefined, fallback: string | undefined): string | undefined {
  return override === undefined ? fallback : (override ?? undefined);
}

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function uuidFrom(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
