import { DescribeServicesCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { awsCalls, CallMeter, metered, meterPlugin } from '#shared/aws/call-meter.js';
import { awsClientOptions, DEFAULT_REQUEST_TIMEOUT_MS } from '#shared/aws/options.js';

/** An ECS client whose calls end before the network with an empty answer, so that only the meter sees them. */
function answeringEcs() {
  const ecs = new ECSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  ecs.middlewareStack.add(() => async () => ({ output: { $metadata: {} }, response: {} }), {
    step: 'serialize',
    name: 'answerBeforeTheNetwork',
  });
  return ecs;
}

describe('Class: CallMeter', () => {
  it('counts calls by operation and in total until reset', () => {
    // Prepare
    const meter = new CallMeter();

    // Act
    meter.record('ECS.DescribeServices');
    meter.record('ECS.DescribeServices');
    meter.record('SNS.Publish');
    const before = { snapshot: meter.snapshot(), total: meter.total() };
    meter.reset();

    // Assess
    expect(before).toEqual({ snapshot: { 'ECS.DescribeServices': 2, 'SNS.Publish': 1 }, total: 3 });
    expect(meter.snapshot()).toEqual({});
    expect(meter.total()).toBe(0);
  });
});

describe('Function: meterPlugin', () => {
  it('records each call of a client as Service.Operation, once however often the plugin is added', async () => {
    // Prepare
    const meter = new CallMeter();
    const ecs = answeringEcs();
    ecs.middlewareStack.use(meterPlugin(meter, 'ECS'));
    ecs.middlewareStack.use(meterPlugin(meter, 'ECS'));

    // Act
    await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
    await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['api'] }));
    await ecs.send(new ListTasksCommand({ cluster: 'prod' }));

    // Assess
    expect(meter.snapshot()).toEqual({ 'ECS.DescribeServices': 2, 'ECS.ListTasks': 1 });
  });
});

describe('Function: meterPlugin, operation names', () => {
  /** What the plugin records for one call whose context names `commandName`. */
  function recorded(commandName: string | undefined): Record<string, number> {
    const meter = new CallMeter();
    const stack = {
      add: (middleware: (next: () => Promise<unknown>, context: object) => (args: unknown) => Promise<unknown>) =>
        middleware(async () => ({}), { commandName })({}),
    };
    meterPlugin(meter, 'SSM').applyToStack(stack as never);
    return meter.snapshot();
  }

  it('strips only the trailing Command of an operation that has the word in its name', () => {
    // Assess
    expect(recorded('ListCommandInvocationsCommand')).toEqual({ 'SSM.ListCommandInvocations': 1 });
  });

  it('counts a call without an operation name as Unknown', () => {
    // Assess
    expect(recorded(undefined)).toEqual({ 'SSM.Unknown': 1 });
  });
});

describe('Function: metered', () => {
  it("counts a client's calls in the meter every client shares", async () => {
    // Prepare
    const ecs = metered(answeringEcs(), 'ECS');
    awsCalls.reset();

    // Act
    await ecs.send(new ListTasksCommand({ cluster: 'prod' }));

    // Assess
    expect(awsCalls.snapshot()).toEqual({ 'ECS.ListTasks': 1 });
    awsCalls.reset();
  });
});

describe('Function: awsClientOptions', () => {
  it('retries adaptively four times by default, in the region Lambda names', () => {
    // Act
    const options = awsClientOptions({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-east-1' });

    // Assess
    expect(options).toMatchObject({ region: 'eu-west-1', retryMode: 'adaptive', maxAttempts: 4 });
  });

  it('takes the default region, standard retries and a positive number of attempts from the environment', () => {
    // Act
    const options = awsClientOptions({
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_RETRY_MODE: 'standard',
      AWS_MAX_ATTEMPTS: '7',
    });

    // Assess
    expect(options).toMatchObject({ region: 'us-east-1', retryMode: 'standard', maxAttempts: 7 });
  });

  it.each([['0'], ['-2'], ['many'], ['']])('keeps four attempts for AWS_MAX_ATTEMPTS=%j', (value) => {
    // Act
    const options = awsClientOptions({ AWS_MAX_ATTEMPTS: value, AWS_RETRY_MODE: 'legacy' });

    // Assess
    expect(options).toMatchObject({ maxAttempts: 4, retryMode: 'adaptive' });
  });

  it.each([
    [{}, DEFAULT_REQUEST_TIMEOUT_MS],
    [{ AWS_REQUEST_TIMEOUT_MS: '1500' }, 1500],
    [{ AWS_REQUEST_TIMEOUT_MS: '0' }, DEFAULT_REQUEST_TIMEOUT_MS],
  ])('bounds each attempt and each connection (%j)', async (env, requestTimeout) => {
    // Prepare
    const { requestHandler } = awsClientOptions(env);

    // Act
    const config = await (requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> })
      .configProvider;

    // Assess
    expect(config).toMatchObject({ requestTimeout, connectionTimeout: 1_000, throwOnRequestTimeout: true });
  });
});
