import { describe, expect, it } from 'vitest';
import { CARRIED_KEY, carriedStateOf, HookSettingsSchema, userDetailsOf } from '#shared/canary/hook/details.js';
import {
  forwardingProblem,
  greenPercent,
  isShiftBackToBlue,
  shiftedWeights,
  sidesOf,
} from '#shared/canary/hook/forwarding.js';
import * as v from '#shared/validation/input-schema.js';
import { carriedFrom, PROD_RULE, rule, TG_BLUE, TG_GREEN, wiring } from './deployment-hook/observed.js';

const GREEN_REV = 'arn:aws:ecs:us-west-2:123456789012:service-revision/c/s/2';
const BLUE_REV = 'arn:aws:ecs:us-west-2:123456789012:service-revision/c/s/1';
const TG_OTHER = 'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/legacy/3333333333333333';
const at = '2026-11-24T12:00:00.000Z';

describe('Module: deployment hook, the weights of a stage', () => {
  const weights = { production: { [GREEN_REV]: 10 }, test: { [GREEN_REV]: 100 } };

  it('judges production weights at the production shifts and test weights at the test shift, none elsewhere', () => {
    expect(shiftedWeights('PRODUCTION_TRAFFIC_SHIFT', weights)).toBe(weights.production);
    expect(shiftedWeights('PRE_PRODUCTION_TRAFFIC_SHIFT', weights)).toBe(weights.production);
    expect(shiftedWeights('TEST_TRAFFIC_SHIFT', weights)).toBe(weights.test);
    expect(shiftedWeights('RECONCILE_SERVICE', weights)).toBeUndefined();
  });

  it("gives green's percent and the sum of every other revision's", () => {
    expect(greenPercent({ [GREEN_REV]: 20, [BLUE_REV]: 70, other: 10 }, GREEN_REV)).toEqual({ green: 20, others: 80 });
    expect(greenPercent({ [BLUE_REV]: 100 }, GREEN_REV)).toEqual({ green: undefined, others: 100 });
  });

  it('sees a shift back to blue at 0 % green with blue above it, or below the weight this execution saw', () => {
    const back = { [GREEN_REV]: 0, [BLUE_REV]: 100 };
    const lower = { [GREEN_REV]: 10, [BLUE_REV]: 90 };
    expect(isShiftBackToBlue('PRODUCTION_TRAFFIC_SHIFT', back, GREEN_REV, undefined)).toBe(true);
    expect(isShiftBackToBlue('TEST_TRAFFIC_SHIFT', back, GREEN_REV, undefined)).toBe(true);
    expect(isShiftBackToBlue('PRODUCTION_TRAFFIC_SHIFT', lower, GREEN_REV, carriedFrom(at, { greenWeight: 20 }))).toBe(
      true,
    );
  });

  it('sees no shift back on a forward step, a first step, an unknown green or another stage', () => {
    const lower = { [GREEN_REV]: 10, [BLUE_REV]: 90 };
    expect(isShiftBackToBlue('PRODUCTION_TRAFFIC_SHIFT', lower, GREEN_REV, carriedFrom(at, { greenWeight: 10 }))).toBe(
      false,
    );
    expect(isShiftBackToBlue('PRODUCTION_TRAFFIC_SHIFT', lower, GREEN_REV, carriedFrom(at))).toBe(false);
    expect(isShiftBackToBlue('PRODUCTION_TRAFFIC_SHIFT', lower, GREEN_REV, undefined)).toBe(false);
    expect(isShiftBackToBlue('PRODUCTION_TRAFFIC_SHIFT', { [GREEN_REV]: 0 }, GREEN_REV, undefined)).toBe(false);
    expect(isShiftBackToBlue('PRODUCTION_TRAFFIC_SHIFT', { [BLUE_REV]: 100 }, GREEN_REV, undefined)).toBe(false);
    expect(isShiftBackToBlue('PRODUCTION_TRAFFIC_SHIFT', undefined, GREEN_REV, undefined)).toBe(false);
    expect(
      isShiftBackToBlue('PRE_PRODUCTION_TRAFFIC_SHIFT', { [GREEN_REV]: 0, [BLUE_REV]: 100 }, GREEN_REV, undefined),
    ).toBe(false);
  });
});

describe('Module: deployment hook, which target group is green', () => {
  const split = (blue: number, green: number) =>
    rule(PROD_RULE, [
      [TG_BLUE, blue],
      [TG_GREEN, green],
    ]);

  it('takes the target group the revision names when it is one of the pair, whatever the weights', () => {
    expect(sidesOf(wiring, TG_BLUE, split(10, 90), 10)).toEqual({ green: TG_BLUE, blue: TG_GREEN });
    expect(sidesOf(wiring, TG_GREEN, undefined, undefined)).toEqual({ green: TG_GREEN, blue: TG_BLUE });
  });

  it('otherwise takes the target group whose share of the rule is nearest green’s percent', () => {
    expect(sidesOf(wiring, TG_OTHER, split(90, 10), 10)).toEqual({ green: TG_GREEN, blue: TG_BLUE });
    expect(sidesOf(wiring, undefined, split(180, 20), 90)).toEqual({ green: TG_BLUE, blue: TG_GREEN });
  });

  it('cannot tell on an even split, without the rule, without a weight, or on a rule of zeros', () => {
    expect(sidesOf(wiring, undefined, split(50, 50), 10)).toBeUndefined();
    expect(sidesOf(wiring, undefined, undefined, 10)).toBeUndefined();
    expect(sidesOf(wiring, undefined, split(90, 10), undefined)).toBeUndefined();
    expect(sidesOf(wiring, undefined, split(0, 0), 10)).toBeUndefined();
  });
});

describe('Module: deployment hook, what is wrong with a listener rule', () => {
  it('says a rule was not found, or has actions ECS cannot shift', () => {
    expect(forwardingProblem(undefined, PROD_RULE, wiring)).toBe(`listener rule ${PROD_RULE} was not found`);
    const mixed = rule(
      PROD_RULE,
      [
        [TG_BLUE, 1],
        [TG_GREEN, 0],
      ],
      ['authenticate-oidc', 'forward', 'fixed-response'],
    );
    expect(forwardingProblem(mixed, PROD_RULE, wiring)).toBe(
      `listener rule ${PROD_RULE} has authenticate-oidc, fixed-response actions besides forward, which ECS cannot shift`,
    );
  });

  it('names a target group of the pair the rule misses and one it forwards to besides', () => {
    // Prepare
    const wrong = rule(PROD_RULE, [
      [TG_BLUE, 100],
      [TG_OTHER, 0],
    ]);
    const extra = rule(PROD_RULE, [
      [TG_BLUE, 100],
      [TG_GREEN, 0],
      [TG_OTHER, 0],
    ]);

    // Act, Assess
    expect(forwardingProblem(wrong, PROD_RULE, wiring)).toBe(
      `listener rule ${PROD_RULE} does not forward to ${TG_GREEN} and also forwards to ${TG_OTHER}: ECS shifts weights between ${TG_BLUE} and ${TG_GREEN} only`,
    );
    expect(forwardingProblem(extra, PROD_RULE, wiring)).toBe(
      `listener rule ${PROD_RULE} also forwards to ${TG_OTHER}: ECS shifts weights between ${TG_BLUE} and ${TG_GREEN} only`,
    );
  });

  it('refuses a rule that gives every target group 0, and takes one with weight on either side', () => {
    expect(
      forwardingProblem(
        rule(PROD_RULE, [
          [TG_BLUE, 0],
          [TG_GREEN, 0],
        ]),
        PROD_RULE,
        wiring,
      ),
    ).toBe(`listener rule ${PROD_RULE} gives every target group 0`);
    expect(
      forwardingProblem(
        rule(PROD_RULE, [
          [TG_BLUE, 0],
          [TG_GREEN, 1],
        ]),
        PROD_RULE,
        wiring,
      ),
    ).toBeUndefined();
  });

  it("accepts green's share within one point of what ECS expects, and says the shares otherwise", () => {
    // Prepare: 11 of 100 on green
    const eleven = rule(PROD_RULE, [
      [TG_BLUE, 89],
      [TG_GREEN, 11],
    ]);
    const sides = { green: TG_GREEN, blue: TG_BLUE };

    // Act, Assess
    expect(forwardingProblem(eleven, PROD_RULE, wiring, { sides, greenPercent: 10 })).toBeUndefined();
    expect(forwardingProblem(eleven, PROD_RULE, wiring, { sides, greenPercent: 12 })).toBeUndefined();
    expect(forwardingProblem(eleven, PROD_RULE, wiring, { sides, greenPercent: 9 })).toBe(
      `listener rule ${PROD_RULE} sends 89.0 % to ${TG_BLUE}, 11.0 % to ${TG_GREEN}; ECS expects 9 % on green`,
    );
  });

  it('accepts either target group as green when it does not know which is', () => {
    // Prepare
    const eleven = rule(PROD_RULE, [
      [TG_BLUE, 89],
      [TG_GREEN, 11],
    ]);

    // Act, Assess
    expect(forwardingProblem(eleven, PROD_RULE, wiring, { greenPercent: 89 })).toBeUndefined();
    expect(
      forwardingProblem(eleven, PROD_RULE, wiring, { sides: { green: TG_GREEN, blue: TG_BLUE }, greenPercent: 89 }),
    ).toMatch(/ECS expects 89 % on green$/);
  });
});

describe('Module: deployment hook details', () => {
  const deploymentArn = carriedFrom(at).deploymentArn;

  it('takes back only the state of the same deployment and stage', () => {
    // Prepare
    const details = { [CARRIED_KEY]: carriedFrom(at, { greenWeight: 10 }) };

    // Act, Assess
    expect(carriedStateOf(details, { deploymentArn, stage: 'PRODUCTION_TRAFFIC_SHIFT' })).toMatchObject({
      greenWeight: 10,
    });
    expect(carriedStateOf(details, { deploymentArn, stage: 'TEST_TRAFFIC_SHIFT' })).toBeUndefined();
    expect(
      carriedStateOf(details, { deploymentArn: `${deploymentArn}x`, stage: 'PRODUCTION_TRAFFIC_SHIFT' }),
    ).toBeUndefined();
    expect(carriedStateOf({ [CARRIED_KEY]: { stage: 'x' } }, { deploymentArn, stage: 'x' })).toBeUndefined();
    expect(carriedStateOf({}, { deploymentArn, stage: 'PRODUCTION_TRAFFIC_SHIFT' })).toBeUndefined();
  });

  it("passes the user's own details back without the carried state", () => {
    expect(userDetailsOf({ team: 'web', [CARRIED_KEY]: { any: 1 } })).toEqual({ team: 'web' });
  });

  it('completes the settings with their defaults and refuses a callback sooner than a CloudWatch minute', () => {
    expect(v.parse(HookSettingsSchema, { owner: 'me' })).toMatchObject({
      owner: 'me',
      alarmNames: [],
      maxHoldMinutes: 60,
      callBackDelaySeconds: 60,
    });
    expect(v.safeParse(HookSettingsSchema, { callBackDelaySeconds: 29 }).success).toBe(false);
    expect(v.safeParse(HookSettingsSchema, { maxHoldMinutes: 1441 }).success).toBe(false);
    expect(v.safeParse(HookSettingsSchema, { alarmNames: [''] }).success).toBe(false);
  });
});
