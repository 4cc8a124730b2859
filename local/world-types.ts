/** The shape of a test world: what is asked for, and what was provisioned. */

/** What {@link provisionWorld} builds. */
export interface WorldSpec {
  /** ECS cluster name; default `prod`. */
  cluster?: string;
  services: ServiceSpec[];
  /** Create the alerts topic, its subscriber queue and the FIFO outbox; default true. */
  alerts?: boolean;
}

/** One ECS service of a {@link WorldSpec}. */
export interface ServiceSpec {
  name: string;
  /** Tasks started with `run_task` and registered in every target group of the service. */
  tasks: number;
  /** Target groups `<name>-tg1..N`; default 1. */
  targetGroups?: number;
  /** Container port of `app`, also the target-group and target port; default 8080. */
  containerPort?: number;
  /** Tags of the ECS service. */
  tags?: Record<string, string>;
}

/** A running task of a {@link WorldService}: its ENI IP and the port it is registered with. */
export interface WorldTask {
  taskArn: string;
  ip: string;
  port: number;
  /** The task's ENI as moto reported it (used to build realistic task state change events). */
  eni: TaskEni;
}

/** The `eni` attachment of an awsvpc task. */
export interface TaskEni {
  attachmentId: string;
  subnetId: string;
  networkInterfaceId: string;
  macAddress: string;
  privateDnsName: string;
  availabilityZone: string;
}

/** One provisioned ECS service. */
export interface WorldService {
  serviceArn: string;
  serviceName: string;
  deploymentId: string;
  taskDefinitionArn: string;
  targetGroupArns: string[];
  containerPort: number;
  tasks: WorldTask[];
}

/** Everything {@link provisionWorld} created, by identifier. */
export interface World {
  endpoint: string;
  region: 'us-east-1';
  account: string;
  clusterName: string;
  clusterArn: string;
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
  loadBalancerArn: string;
  listenerArn: string;
  topicArn?: string;
  alertsQueueUrl?: string;
  outboxQueueUrl?: string;
  /** The durable state table (as `serverless.yml` declares it). */
  stateTableName: string;
  services: Record<string, WorldService>;
}

/** An alert as the SNS subscriber queue received it. */
export interface ReceivedAlert {
  /** `Message` of the SNS envelope, parsed as JSON (the raw text if it is not JSON). */
  message: unknown;
  /** SNS message attributes, name to value. */
  attributes: Record<string, string>;
}

/** A message of the FIFO outbox, left in flight (delete it with its receipt handle). */
export interface OutboxMessage {
  body: string;
  receiptHandle: string;
  messageId: string;
  /** SQS system attributes (MessageGroupId, MessageDeduplicationId, SequenceNumber, …). */
  attributes: Record<string, string>;
  /** Message attributes, name to string value. */
  messageAttributes: Record<string, string>;
  groupId: string;
  dedupId: string;
}

/** Where a world's services run. */
export interface Network {
  clusterName: string;
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
}
