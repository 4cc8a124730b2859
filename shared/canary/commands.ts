import type { CanaryConfig } from '../config/canary.js';
import { AutopilotError } from '../errors.js';
import { type ForwardSnapshot, pairWeights } from '../targets/forward.js';
import { activePhases, type CanaryRecord, pause, transition } from './status.js';
import type { AlarmObservation, SideObservation } from './types.js';

/** An operator's command that the canary's state does not allow, with what to do instead. */
export class CanaryCommandError extends AutopilotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CanaryCommandError';
  }
}

/** What a start is checked against: the action's weights, both sides and the gate alarms, read just before. */
export interface StartObservation {
  now: string;
  forward?: ForwardSnapshot;
  sides: [SideObservation, SideObservation];
  alarms: AlarmObservation[];
}

/**
 * A new release in `pending`: the side with the weight is stable, the idle side gets the task definition. Refused
 * when a release is in progress, when the action does not forward to exactly one of the two sides, when a gate
 * alarm does not exist or is in ALARM (ECS ignores one; we do not), or when ECS owns a side's weights.
 */
export function startRelease(
  config: CanaryConfig,
  previous: CanaryRecord | undefined,
  obs: StartObservation,
  request: { taskDefinition?: string; by: string },
): CanaryRecord {
  if (previous && (activePhases.includes(previous.phase) || previous.phase === 'paused')) {
    throw new CanaryCommandError(
      `canary ${config.name} is ${previous.phase} (release ${previous.release}): finish, promote or abort it first`,
    );
  }
  const owned = obs.sides.find((s) => s.ecsStrategy && s.ecsStrategy !== 'ROLLING');
  if (owned) {
    throw new CanaryCommandError(
      `service ${owned.service} uses ECS's own ${owned.ecsStrategy} deployment strategy: ECS owns those weights; switch it to ROLLING to use this canary`,
    );
  }
  const missing = obs.alarms.filter((a) => a.state === 'MISSING');
  if (missing.length) {
    throw new CanaryCommandError(
      `gate alarm(s) not found: ${missing.map((a) => a.name).join(', ')}; create them or remove them from gateAlarms: a missing alarm gates nothing`,
    );
  }
  const firing = obs.alarms.filter((a) => a.state === 'ALARM');
  if (firing.length) {
    throw new CanaryCommandError(
      `gate alarm(s) in ALARM: ${firing.map((a) => a.name).join(', ')}; a canary does not start on a bad baseline`,
    );
  }
  const [a, b] = obs.sides;
  const pair = obs.forward && pairWeights(obs.forward, a.targetGroupArn, b.targetGroupArn);
  if (!pair) {
    throw new CanaryCommandError(
      `the forward action does not hold both target groups; add ${a.targetGroupArn} and ${b.targetGroupArn} to it (the idle one with weight 0)`,
    );
  }
  if (pair.canary > 0 === pair.stable > 0) {
    throw new CanaryCommandError(
      `exactly one side must have weight to start (weights ${pair.canary}/${pair.stable}): the other becomes the canary`,
    );
  }
  const [stable, canary] = pair.canary > 0 ? [a, b] : [b, a];
  const taskDefinition = request.taskDefinition ?? canary.taskDefinition;
  const release = (previous?.release ?? 0) + 1;
  const reason = `release ${release}: ${canary.service} gets ${taskDefinition}`;
  return {
    name: config.name,
    release,
    phase: 'pending',
    step: -1,
    stable: { service: stable.service, targetGroupArn: stable.targetGroupArn },
    canary: { service: canary.service, targetGroupArn: canary.targetGroupArn },
    taskDefinition,
    stableDesired: stable.desiredCount,
    written: {
      canary: pair.canary > 0 ? pair.stable : pair.canary,
      stable: pair.canary > 0 ? pair.canary : pair.stable,
      at: obs.now,
      verified: true,
      attempts: 0,
    },
    // The bounds of a side scaled in at the last release: put back when it takes traffic again.
    ...(previous?.scalableBounds ? { scalableBounds: previous.scalableBounds } : {}),
    reason,
    history: [{ at: obs.now, by: request.by, from: 'none', to: 'pending', step: -1, reason }],
  };
}

const need = (record: CanaryRecord | undefined, name: string): CanaryRecord => {
  if (!record) throw new CanaryCommandError(`canary ${name} has not been started: run canary start ${name}`);
  return record;
};

/** Stops the promoter acting on the canary until it is resumed. */
export function pauseRelease(record: CanaryRecord | undefined, name: string, at: string, by: string): CanaryRecord {
  const r = need(record, name);
  if (!activePhases.includes(r.phase)) throw new CanaryCommandError(`canary ${name} is ${r.phase}: nothing to pause`);
  return pause(r, { at, by, reason: `paused by ${by}` });
}

/** Hands a paused canary back to the promoter, which takes the weights it reads next as its own. */
export function resumeRelease(record: CanaryRecord | undefined, name: string, at: string, by: string): CanaryRecord {
  const r = need(record, name);
  if (r.phase !== 'paused') throw new CanaryCommandError(`canary ${name} is ${r.phase}, not paused`);
  return transition(
    r,
    r.resumeTo ?? 'ramping',
    { at, by, reason: `resumed by ${by}; the weights read next are taken as current` },
    { acceptObserved: true, resumeTo: undefined },
  );
}

/** Asks the next tick to take the next step (or all of them) without bake, judge or window; capacity still first. */
export function requestPromotion(
  record: CanaryRecord | undefined,
  name: string,
  full: boolean,
  at: string,
  by: string,
): CanaryRecord {
  const r = need(record, name);
  if (r.phase !== 'pending' && r.phase !== 'ramping') {
    throw new CanaryCommandError(`canary ${name} is ${r.phase}: only a pending or ramping canary can be promoted`);
  }
  const request = full ? 'promote-full' : 'promote';
  return {
    ...r,
    request,
    history: [...r.history, { at, by, from: r.phase, to: r.phase, step: r.step, reason: `${request} requested` }],
  };
}

/** Rolls the canary back at the next tick: at once, or one step a tick so the stable side warms up. */
export function abortRelease(
  record: CanaryRecord | undefined,
  name: string,
  gradual: boolean,
  at: string,
  by: string,
): CanaryRecord {
  const r = need(record, name);
  if (r.phase === 'done' || r.phase === 'rolled-back') {
    throw new CanaryCommandError(`canary ${name} is ${r.phase}: nothing to abort (start a new release to go back)`);
  }
  return transition(
    r,
    'rolling-back',
    { at, by, reason: `aborted by ${by}${gradual ? ', gradually' : ''}` },
    { gradual, acceptObserved: r.phase === 'paused' ? true : r.acceptObserved, request: undefined },
  );
}
