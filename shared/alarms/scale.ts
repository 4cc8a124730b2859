import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { serviceManagement } from '../config/managed.js';
import type { AlarmRule, AutopilotConfig } from '../config/schema.js';
import type { ServiceState } from '../services/types.js';
import type { StateStore } from '../state/index.js';
import {
  type AlarmEpisode,
  claimCooldown,
  cooldownHeldByOther,
  cooldownKey,
  EPISODE_TTL_SECONDS,
  episodeKey,
  recordOnce,
  type ServicePlace,
} from './episode.js';
import { describeScalableTarget } from './observe.js';
import { type AlarmPlan, planScaling, type ScalingStep } from './plan.js';

type ScalingRule = Extract<AlarmRule, { reaction: 'scale-out' | 'scale-in' }>;

/** What planning an episode's scaling step reads and records through. */
export interface ScaleDeps {
  config: AutopilotConfig;
  autoScaling: ApplicationAutoScalingClient;
  state: Pick<StateStore, 'get' | 'create'>;
  now: () => Date;
  /** Where the service lives, against the deployment's own place; absent, it lives at home. */
  where?: ServicePlace;
}

/**
 * Plans the episode's scaling step and records it before the change: first the direction's cooldown (a conditional
 * write naming this episode), then the step itself (from, to). A retry or a duplicate delivery of the same ALARM
 * reads the step and applies that target count, so the service moves once per episode whatever the desired count
 * is by then; another episode inside the cooldown is refused by the guardrail. A dry run records nothing.
 */
export async function planEpisodeScaling(
  deps: ScaleDeps,
  input: { rule: ScalingRule; service: ServiceState; episode: AlarmEpisode; why: string },
): Promise<AlarmPlan> {
  const { rule, service, episode, why } = input;
  const direction = rule.reaction === 'scale-out' ? 'out' : 'in';
  const management = serviceManagement(deps.config, service.clusterName, service.serviceName);
  const scalable = await describeScalableTarget(deps.autoScaling, service.clusterName, service.serviceName);
  const stepKey = episodeKey(episode, `scale-${direction}`);
  const cooling = cooldownKey(service, deps.where, direction);
  const planWith = (step: ScalingStep | undefined, lastScaledAt: string | undefined) =>
    planScaling({
      rule,
      service,
      bounds: management.managed ? management.scaling : undefined,
      scalable,
      now: deps.now(),
      episode: step,
      lastScaledAt,
      why,
    });
  const earlier = await deps.state.get<ScalingStep>(stepKey);
  let plan = planWith(earlier?.data, await cooldownHeldByOther(deps.state, cooling, episode));
  const scale = plan.actions.find((a) => a.kind === 'set-desired-count');
  if (earlier || !scale || scale.basis.lastScaledAt || deps.config.dryRun) return plan;

  const other = await claimCooldown(deps.state, cooling, episode, deps.now(), rule.cooldownSeconds);
  if (other) return planWith(undefined, other);
  const step: ScalingStep = { direction, from: scale.from, to: scale.to, decidedAt: deps.now().toISOString() };
  const { record, recorded } = await recordOnce(deps.state, stepKey, step, EPISODE_TTL_SECONDS);
  if (!recorded) plan = planWith(record.data, undefined);
  return plan;
}
