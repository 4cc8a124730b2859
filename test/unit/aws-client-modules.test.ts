import { ACMClient, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { acmClient, acmRecipe } from '#shared/aws/acm.js';
import { autoScalingClient, autoScalingRecipe } from '#shared/aws/application-auto-scaling.js';
import { awsCalls } from '#shared/aws/call-meter.js';
import { cloudWatchClient, cloudWatchRecipe } from '#shared/aws/cloudwatch.js';
import { dynamodbClient } from '#shared/aws/dynamodb.js';
import { ec2Client, ec2Recipe } from '#shared/aws/ec2.js';
import { ecsClient, ecsRecipe } from '#shared/aws/ecs.js';
import { elbv2Client, elbv2Recipe } from '#shared/aws/elbv2.js';
import { PlaceClients } from '#shared/aws/place-clients.js';
import { snsClient } from '#shared/aws/sns.js';
import { sqsClient } from '#shared/aws/sqs.js';
import { ssmClient } from '#shared/aws/ssm.js';

/** A client whose calls the meter sees and that then answer empty, before credentials, region or network. */
interface AnsweringClient {
  middlewareStack: {
    add(middleware: unknown, options: object): void;
    remove(name: string): boolean;
  };
  send(command: unknown): Promise<unknown>;
}

const ANSWER = 'answerAfterTheMeter';
const sent: AnsweringClient[] = [];

/** Sends one command through a client, answered right after the meter counts it. */
async function callThrough(client: AnsweringClient, command: unknown): Promise<void> {
  client.middlewareStack.add(() => async () => ({ output: { $metadata: {} }, response: {} }), {
    step: 'initialize',
    priority: 'low',
    name: ANSWER,
  });
  sent.push(client);
  await client.send(command);
}

afterEach(() => {
  for (const client of sent.splice(0)) client.middlewareStack.remove(ANSWER);
  awsCalls.reset();
});

describe("The product's clients", () => {
  it.each<[string, AnsweringClient, unknown, string]>([
    ['ACM', acmClient, new ListCertificatesCommand({}), 'ACM.ListCertificates'],
    [
      'AutoScaling',
      autoScalingClient,
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }),
      'AutoScaling.DescribeScalableTargets',
    ],
    ['CloudWatch', cloudWatchClient, new DescribeAlarmsCommand({}), 'CloudWatch.DescribeAlarms'],
    ['DynamoDB', dynamodbClient, new ListTablesCommand({}), 'DynamoDB.ListTables'],
    ['EC2', ec2Client, new DescribeSecurityGroupsCommand({}), 'EC2.DescribeSecurityGroups'],
    ['ECS', ecsClient, new ListClustersCommand({}), 'ECS.ListClusters'],
    ['ELBv2', elbv2Client, new DescribeLoadBalancersCommand({}), 'ELBv2.DescribeLoadBalancers'],
    ['SNS', snsClient, new ListTopicsCommand({}), 'SNS.ListTopics'],
    ['SQS', sqsClient, new ListQueuesCommand({}), 'SQS.ListQueues'],
    ['SSM', ssmClient, new GetParameterCommand({ Name: 'x' }), 'SSM.GetParameter'],
  ])('count the calls of the %s client under its service name', async (_service, client, command, operation) => {
    // Act
    await callThrough(client, command);

    // Assess
    expect(awsCalls.snapshot()).toEqual({ [operation]: 1 });
  });
});

describe('The recipes of clients for another account and region', () => {
  const role = { arn: 'arn:aws:iam::222222222222:role/ecs-autopilot-member' };
  const own = {
    acm: acmClient,
    autoScaling: autoScalingClient,
    cloudWatch: cloudWatchClient,
    ec2: ec2Client,
    ecs: ecsClient,
    elbv2: elbv2Client,
  };
  const recipes = {
    acm: acmRecipe,
    autoScaling: autoScalingRecipe,
    cloudWatch: cloudWatchRecipe,
    ec2: ec2Recipe,
    ecs: ecsRecipe,
    elbv2: elbv2Recipe,
  };

  it('build the client of each service in the place, counted under the same name as at home', async () => {
    // Prepare
    const places = new PlaceClients(own, recipes, { AWS_REGION: 'eu-west-1' });

    // Act
    const there = places.at({ account: '222222222222', region: 'ap-south-1', role }, 'audit-1');
    await callThrough(there.acm, new ListCertificatesCommand({}));
    await callThrough(there.autoScaling, new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }));
    await callThrough(there.cloudWatch, new DescribeAlarmsCommand({}));
    await callThrough(there.ec2, new DescribeSecurityGroupsCommand({}));
    await callThrough(there.ecs, new ListClustersCommand({}));
    await callThrough(there.elbv2, new DescribeLoadBalancersCommand({}));

    // Assess
    expect([
      there.acm instanceof ACMClient,
      there.autoScaling instanceof ApplicationAutoScalingClient,
      there.cloudWatch instanceof CloudWatchClient,
      there.ec2 instanceof EC2Client,
      there.ecs instanceof ECSClient,
      there.elbv2 instanceof ElasticLoadBalancingV2Client,
    ]).toEqual([true, true, true, true, true, true]);
    expect(await Promise.all(Object.values(there).map((client) => client.config.region()))).toEqual(
      Array(6).fill('ap-south-1'),
    );
    expect(awsCalls.snapshot()).toEqual({
      'ACM.ListCertificates': 1,
      'AutoScaling.DescribeScalableTargets': 1,
      'CloudWatch.DescribeAlarms': 1,
      'EC2.DescribeSecurityGroups': 1,
      'ECS.ListClusters': 1,
      'ELBv2.DescribeLoadBalancers': 1,
    });
  });
});
