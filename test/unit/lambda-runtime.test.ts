import { afterEach, describe, expect, it } from 'vitest';
import { currentTime, setCurrentTime } from '#shared/lambda/clock.js';
import { homeOf, loadFunctionConfig, outboxUrlFromEnv } from '#shared/lambda/runtime.js';

const saved = { ...process.env };
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:ecs-autopilot-prod-taskStopped';

describe('Lambda: runtime settings', () => {
  afterEach(() => {
    process.env = { ...saved };
    setCurrentTime(new Date());
  });

  it("takes the account from the function's own ARN and the region Lambda runs it in", () => {
    // Prepare
    process.env.AWS_REGION = 'eu-central-1';

    // Act & Assess
    expect(homeOf({ invokedFunctionArn: FUNCTION_ARN })).toEqual({ account: '111122223333', region: 'eu-central-1' });
  });

  it("takes the region from the function's ARN when Lambda's region is not set", () => {
    // Prepare
    delete process.env.AWS_REGION;

    // Act & Assess
    expect(homeOf({ invokedFunctionArn: FUNCTION_ARN })).toEqual({ account: '111122223333', region: 'eu-west-1' });
  });

  it('reads the alert outbox queue, and refuses to run without one', () => {
    // Prepare
    const url = 'https://sqs.eu-west-1.amazonaws.com/111122223333/ecs-autopilot-alert-outbox';

    // Act & Assess
    process.env.ALERT_OUTBOX_URL = url;
    expect(outboxUrlFromEnv()).toBe(url);
    process.env.ALERT_OUTBOX_URL = '';
    expect(() => outboxUrlFromEnv()).toThrow('ALERT_OUTBOX_URL (the alert outbox queue) is required');
    delete process.env.ALERT_OUTBOX_URL;
    expect(() => outboxUrlFromEnv()).toThrow('ALERT_OUTBOX_URL (the alert outbox queue) is required');
  });

  it('loads the shipped config with the dry-run brake the environment sets', () => {
    // Prepare
    process.env.AUTOPILOT_CONFIG_FILE = 'ecs-autopilot.yml';
    process.env.AUTOPILOT_DRY_RUN = 'true';

    // Act
    const config = loadFunctionConfig();

    // Assess
    expect(config.dryRun).toBe(true);
    expect(config.clusters.length).toBeGreaterThan(0);
  });

  it('judges time as of a replayed capture once told to, and runs on from there', () => {
    // Prepare
    const capture = new Date('2026-11-24T12:00:00.000Z');

    // Act
    setCurrentTime(capture);
    const now = currentTime();

    // Assess
    expect(now.getTime() - capture.getTime()).toBeGreaterThanOrEqual(0);
    expect(now.getTime() - capture.getTime()).toBeLessThan(1_000);
  });
});
