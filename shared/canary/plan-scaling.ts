import type { CanaryRecord } from './status.js';
import type { CanaryIntent, SideObservation } from './types.js';

type Bounds = NonNullable<CanaryRecord['scalableBounds']>;

/**
 * A side scaled in to 0 also gets a scalable-target minimum of 0 (its maximum stays), else Application Auto Scaling
 * scales it back up. Returns the intent, and the record's bounds keeping the side's original ones for its next release.
 */
export function lowerScalableMinimum(
  record: CanaryRecord,
  side: SideObservation,
): { intents: CanaryIntent[]; scalableBounds?: Bounds } {
  const target = side.scalableTarget;
  if (!target || target.min === 0) return { intents: [] };
  const original = { min: target.min, max: target.max };
  return {
    intents: [
      {
        kind: 'set-scalable-target-bounds',
        service: side.service,
        resourceId: target.resourceId,
        from: original,
        to: { min: 0, max: target.max },
        why: `${side.service} goes to 0 tasks: its scalable-target minimum of ${target.min} would have Application Auto Scaling scale it back up (restored at its next release)`,
      },
    ],
    scalableBounds: { ...record.scalableBounds, [side.service]: original },
  };
}

/**
 * The side's bounds as they were before it was scaled in, put back before it needs capacity again; only while its
 * minimum is still the 0 written then (a minimum someone set since is theirs). The maximum stays as it is now.
 */
export function restoreScalableMinimum(record: CanaryRecord, side: SideObservation): CanaryIntent | undefined {
  const original = record.scalableBounds?.[side.service];
  const target = side.scalableTarget;
  if (!original || !target || target.min !== 0) return undefined;
  const min = Math.min(original.min, target.max);
  if (min === 0) return undefined;
  return {
    kind: 'set-scalable-target-bounds',
    service: side.service,
    resourceId: target.resourceId,
    from: { min: target.min, max: target.max },
    to: { min, max: target.max },
    why: `${side.service} takes traffic again: its scalable-target minimum goes back to ${min}, as before it was scaled in`,
  };
}

/** The record's bounds without the side's: once it has taken weight, its minimum is its own again. */
export function forgetScalableBounds(record: CanaryRecord, service: string): Partial<CanaryRecord> {
  if (!record.scalableBounds?.[service]) return {};
  const { [service]: _restored, ...rest } = record.scalableBounds;
  return { scalableBounds: Object.keys(rest).length ? rest : undefined };
}
