import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config/load.js';
import { withAccountLinks } from '#shared/notify/console-sign-in.js';
import { taskStopAlert } from '#test/support/alerts.js';

const MEMBER = '222222222222';
const signIn = { startUrl: 'https://d-1234567890.awsapps.com/start/', roleName: 'ReadOnlyAccess' };

describe('Console links in the alert’s own account', () => {
  it("opens every console link through the access portal, signed in to the alert's account as the role", () => {
    // Prepare
    const alert = { ...taskStopAlert(), account: MEMBER, region: 'eu-west-1' };
    alert.links = [...alert.links, { label: 'Runbook', url: 'https://wiki.example.com/runbooks/oom' }];

    // Act
    const linked = withAccountLinks(alert, signIn);

    // Assess
    const [task, service, runbook] = linked.links;
    const url = new URL(task?.url ?? '');
    const query = new URLSearchParams(url.hash.replace(/^#\/console\?/, ''));
    expect(`${url.origin}${url.pathname}`).toBe('https://d-1234567890.awsapps.com/start/');
    expect(Object.fromEntries(query)).toEqual({
      account_id: MEMBER,
      role_name: 'ReadOnlyAccess',
      destination: alert.links[0]?.url,
    });
    expect(service?.url).toContain(`account_id=${MEMBER}`);
    expect(runbook?.url).toBe('https://wiki.example.com/runbooks/oom');
    expect(linked.links.map((l) => l.label)).toEqual(alert.links.map((l) => l.label));
  });

  it('leaves the links as reported without a portal in the config', () => {
    // Prepare
    const alert = taskStopAlert();

    // Act
    const linked = withAccountLinks(alert, undefined);

    // Assess
    expect(linked).toBe(alert);
  });

  it('takes the portal from notifications.consoleSignIn, and refuses a start URL that is not https', () => {
    // Prepare
    const base = { version: 1, clusters: [{ name: 'prod', services: [{ name: 'web' }] }] };

    // Act
    const config = parseConfig({ ...base, notifications: { consoleSignIn: signIn } });
    const plain = () => parseConfig({ ...base, notifications: { consoleSignIn: { ...signIn, startUrl: 'http://x' } } });

    // Assess
    expect(config.notifications.consoleSignIn).toEqual(signIn);
    expect(parseConfig(base).notifications.consoleSignIn).toBeUndefined();
    expect(plain).toThrow(/notifications.consoleSignIn.startUrl: the https start URL of the access portal/);
  });
});
