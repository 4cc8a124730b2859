import type { AuditRecord } from '#shared/executor/audit.js';
import type { ServiceStopsReport } from '#shared/tasks/batch-report.js';
import { TG_WEB } from './builders.js';

/** A report of service web's stops in cluster prod, with nothing in it but what the test sets. */
export function serviceStopsReport(overrides: Partial<ServiceStopsReport>): ServiceStopsReport {
  return {
    clusterName: 'prod',
    serviceName: 'web',
    stops: [],
    outcomes: [],
    windowStart: '2026-11-24T12:00:00.000Z',
    dryRun: false,
    notes: [],
    ...overrides,
  };
}

/** The audit record of one target of web-tg deregistered and read back draining. */
export const appliedDeregistration = {
  action: { kind: 'deregister-targets', targetGroupArn: TG_WEB, targets: [{ id: '10.0.1.17', port: 8080 }] },
  outcome: 'applied',
  description: 'deregister 10.0.1.17:8080 from target group web-tg',
  verification: { evidence: 'draining' },
} as unknown as AuditRecord;
