import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AutopilotError } from '../errors.js';
import type { Action } from './actions.js';
import type { VerificationMode } from './audit.js';
import { MissingActionKindError, MissingClientError } from './errors.js';

/** The clients the executor mutates AWS through; a function passes those its actions need, so it bundles no other. */
export interface ExecutorClients {
  elbv2?: ElasticLoadBalancingV2Client;
  ecs?: ECSClient;
  autoScaling?: ApplicationAutoScalingClient;
}

/** The client an action kind needs, or a clear error naming what the function forgot to pass. */
export function need<K extends keyof ExecutorClients>(
  clients: ExecutorClients,
  name: K,
): NonNullable<ExecutorClients[K]> {
  const client = clients[name];
  if (!client) throw new MissingClientError(name);
  return client as NonNullable<ExecutorClients[K]>;
}

/** What a write found. */
export interface ApplyResult {
  /** False when AWS was already in the intended state, so nothing was written. */
  changed: boolean;
  evidence: string;
}

export interface VerifyResult {
  ok: boolean;
  evidence: string;
}

/** How one kind of action is applied and verified. */
export interface ActionKind<A extends Action> {
  apply(action: A, clients: ExecutorClients): Promise<ApplyResult>;
  verify(action: A, clients: ExecutorClients, mode: VerificationMode, applied: ApplyResult): Promise<VerifyResult>;
}

/**
 * The action kinds a reaction can carry out, by `kind`. Each reaction passes the kinds it plans (from
 * `./kinds/<client>.js`), so a function bundles the clients of its own actions and no other.
 */
export type ActionKinds = { [K in Action['kind']]?: ActionKind<Extract<Action, { kind: K }>> };

/** The verification a kind gets: deregistration as configured, every other write read back (tags acknowledged). */
export function verificationModeOf(action: Action, deregistration: VerificationMode): VerificationMode {
  if (action.kind === 'deregister-targets') return deregistration;
  return action.kind === 'tag-service' ? 'acknowledged' : 'read-back';
}

/** Applies and verifies one action through its kind. */
export async function applyAndVerify(
  action: Action,
  kinds: ActionKinds,
  clients: ExecutorClients,
  mode: VerificationMode,
) {
  const kind = kinds[action.kind] as ActionKind<Action> | undefined;
  if (!kind) throw new MissingActionKindError(action.kind);
  let applied: ApplyResult;
  try {
    applied = await kind.apply(action, clients);
  } catch (error) {
    const landed = await landedUnanswered(action, kind, clients, error);
    if (!landed) throw error;
    return { applied: { changed: true, evidence: landed.evidence }, verification: landed };
  }
  const verification = applied.changed ? await kind.verify(action, clients, mode, applied) : undefined;
  return { applied, verification };
}

/** The kinds whose verification only reads: a weight write's writes again within its bound, a tag's reads nothing. */
const readBackOnly = new Set<Action['kind']>([
  'deregister-targets',
  'stop-task',
  'set-desired-count',
  'set-task-definition',
  'set-scalable-target-bounds',
]);

/**
 * A write whose answer was lost (a timeout, a 5xx, a dropped connection, once the SDK's attempts are spent: AWS may
 * have taken it) is read back. Landed, it is this write's, applied and verified; else its error stands. A refusal
 * (throttled, invalid, ours) is sure and is not read back, unless the SDK made more than one attempt: an earlier one
 * may have landed before its answer was lost.
 */
async function landedUnanswered(
  action: Action,
  kind: ActionKind<Action>,
  clients: ExecutorClients,
  error: unknown,
): Promise<VerifyResult | undefined> {
  if (!readBackOnly.has(action.kind) || error instanceof AutopilotError) return undefined;
  const { $fault, $metadata } = error as { $fault?: string; $metadata?: { attempts?: number } };
  if ($fault === 'client' && ($metadata?.attempts ?? 1) < 2) return undefined;
  // Stryker disable next-line ObjectLiteral,BooleanLiteral,StringLiteral: equivalent, a read-back ignores what apply answered
  const check = await kind.verify(action, clients, 'read-back', { changed: true, evidence: '' }).catch(() => undefined);
  if (!check?.ok) return undefined;
  return { ok: true, evidence: `its answer was lost (${(error as Error).name}), ${check.evidence}` };
}
