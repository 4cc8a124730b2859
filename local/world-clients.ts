/* The test world's region, names and its own (unmetered) SDK clients, shared by provisioning and reading. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

export const REGION = 'us-east-1';
export const ZONES = ['us-east-1a', 'us-east-1b'] as const;
export const ALERTS_TOPIC = 'ecs-autopilot-alerts';
export const ALERTS_QUEUE = 'alerts-subscriber';
export const OUTBOX_QUEUE = 'ecs-autopilot-alert-outbox.fifo';
export const STATE_TABLE = 'ecs-autopilot-state';

export interface Clients {
  ec2: EC2Client;
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  sns: SNSClient;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
}

const clientsByEndpoint = new Map<string, Clients>();

/** The harness's own (unmetered) SDK clients for a moto endpoint. */
export function clients(endpoint: string): Clients {
  let found = clientsByEndpoint.get(endpoint);
  if (found === undefined) {
    const config = {
      endpoint,
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 2,
    };
    found = {
      ec2: new EC2Client(config),
      ecs: new ECSClient(config),
      elbv2: new ElasticLoadBalancingV2Client(config),
      sns: new SNSClient(config),
      sqs: new SQSClient(config),
      dynamodb: new DynamoDBClient(config),
    };
    clientsByEndpoint.set(endpoint, found);
  }
  return found;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`moto returned no ${what}`);
  return value;
}
