import type {
  AwsCall,
  TargetHealthReason,
  TargetHealthState,
  TargetRef,
  UpstreamResponse,
} from './moto-proxy-types.js';
import { xmlEscape, xmlText } from './moto-proxy-wire.js';

/** The reason ELBv2 gives for a state when none is set. */
const DEFAULT_REASON: Record<TargetHealthState, TargetHealthReason | undefined> = {
  healthy: undefined,
  unhealthy: 'Target.FailedHealthChecks',
  initial: 'Elb.RegistrationInProgress',
  draining: 'Target.DeregistrationInProgress',
  unused: 'Target.NotInUse',
  unavailable: 'Target.HealthCheckDisabled',
};
const REASON_DESCRIPTION: Record<TargetHealthReason, string> = {
  'Elb.RegistrationInProgress': 'Target registration is in progress',
  'Elb.InitialHealthChecking': 'Initial health checks in progress',
  'Elb.InternalError': 'Health checks failed due to an internal error',
  'Target.ResponseCodeMismatch': 'Health checks failed with these codes: [502]',
  'Target.Timeout': 'Request timed out',
  'Target.FailedHealthChecks': 'Health checks failed',
  'Target.NotRegistered': 'Target is not registered to the target group',
  'Target.NotInUse': 'Target group is not configured to receive traffic from the load balancer',
  'Target.DeregistrationInProgress': 'Target deregistration is in progress',
  'Target.InvalidState': 'Target is in the stopped state',
  'Target.IpUnusable': 'The IP address cannot be used as a target, as it is in use by a load balancer',
  'Target.HealthCheckDisabled': 'Health checks are disabled',
};

export interface HealthOverride {
  state: TargetHealthState;
  reason?: string;
  description?: string;
}

/** What DescribeTargetHealth should say beyond moto: overrides of registered targets and draining leftovers. */
export class TargetHealthModel {
  private readonly overrides = new Map<string, HealthOverride>();
  /** Target group ARN → targets to report draining once moto no longer has them. */
  private readonly draining = new Map<string, Map<string, TargetRef>>();

  set(
    targetGroupArn: string,
    target: TargetRef,
    state: TargetHealthState,
    reason?: TargetHealthReason,
    description?: string,
  ) {
    const why = reason ?? DEFAULT_REASON[state];
    const text = description ?? (why === undefined ? undefined : REASON_DESCRIPTION[why]);
    this.overrides.set(key(targetGroupArn, target.id, target.port), {
      state,
      ...(why !== undefined && { reason: why }),
      ...(text !== undefined && { description: text }),
    });
  }

  keepDraining(targetGroupArn: string, target: TargetRef) {
    let group = this.draining.get(targetGroupArn);
    if (group === undefined) {
      group = new Map();
      this.draining.set(targetGroupArn, group);
    }
    group.set(`${target.id}:${target.port}`, { id: target.id, port: target.port });
  }

  finishDraining(targetGroupArn: string, target: TargetRef) {
    this.draining.get(targetGroupArn)?.delete(`${target.id}:${target.port}`);
  }

  clear() {
    this.overrides.clear();
    this.draining.clear();
  }

  applies(call: AwsCall): boolean {
    if (call.protocol !== 'query' || call.operation !== 'DescribeTargetHealth') return false;
    const arn = (call.params as Record<string, string>).TargetGroupArn;
    if (arn === undefined) return false;
    if ((this.draining.get(arn)?.size ?? 0) > 0) return true;
    const prefix = `${arn}|`;
    for (const name of this.overrides.keys()) if (name.startsWith(prefix)) return true;
    return false;
  }

  readonly rewrite = (call: AwsCall, response: UpstreamResponse): UpstreamResponse | undefined => {
    if (response.status !== 200) return undefined;
    const params = call.params as Record<string, string>;
    const arn = params.TargetGroupArn ?? '';
    const xml = response.body.toString('utf8');
    const list =
      /<TargetHealthDescriptions>([\s\S]*?)<\/TargetHealthDescriptions>|<TargetHealthDescriptions\s*\/>/.exec(xml);
    if (list === undefined || list === null) return undefined;
    const draining = this.draining.get(arn) ?? new Map<string, TargetRef>();
    const seen = new Set<string>();

    const members = (list[1] ?? '').replace(/<member>([\s\S]*?)<\/member>/g, (member: string, inner: string) => {
      const id = xmlText(inner, 'Id') ?? '';
      const port = xmlText(inner, 'Port');
      const registered = xmlText(inner, 'Reason') !== 'Target.NotRegistered';
      seen.add(`${id}:${port ?? ''}`);
      const override = registered ? this.overrides.get(key(arn, id, Number(port))) : undefined;
      const drained = registered
        ? undefined
        : [...draining.values()].find((ref) => ref.id === id && (port === undefined || Number(port) === ref.port));
      const health = override ?? (drained && drainingHealth());
      if (health === undefined) return member;
      return `<member>${inner.replace(/<TargetHealth>[\s\S]*?<\/TargetHealth>|<TargetHealth\s*\/>/, targetHealthXml(health))}</member>`;
    });

    // Without explicit Targets the answer lists every registered target: add the ones still draining.
    const explicit = Object.keys(params).some((name) => name.startsWith('Targets.member.'));
    const extra = explicit
      ? ''
      : [...draining.values()]
          .filter((ref) => !seen.has(`${ref.id}:${ref.port}`))
          .map(
            (ref) =>
              `<member><Target><Id>${xmlEscape(ref.id)}</Id><Port>${ref.port}</Port></Target><HealthCheckPort>traffic-port</HealthCheckPort>${targetHealthXml(drainingHealth())}</member>`,
          )
          .join('');
    const rebuilt = `<TargetHealthDescriptions>${members}${extra}</TargetHealthDescriptions>`;
    const body = xml.slice(0, list.index) + rebuilt + xml.slice(list.index + list[0].length);
    return { ...response, body: Buffer.from(body, 'utf8') };
  };
}

function drainingHealth(): HealthOverride {
  return {
    state: 'draining',
    reason: 'Target.DeregistrationInProgress',
    description: REASON_DESCRIPTION['Target.DeregistrationInProgress'],
  };
}

function targetHealthXml(health: HealthOverride): string {
  return `<TargetHealth><State>${health.state}</State>${health.reason === undefined ? '' : `<Reason>${xmlEscape(health.reason)}</Reason>`}${health.description === undefined ? '' : `<Description>${xmlEscape(health.description)}</Description>`}</TargetHealth>`;
}

function key(targetGroupArn: string, id: string, port: number): string {
  return `${targetGroupArn}|${id}|${port}`;
}
