import type { Alert } from './alert.js';

/** The portal settings a link needs (see `notifications.consoleSignIn` of the config). */
export interface ConsoleSignInLinks {
  startUrl: string;
  roleName: string;
}

const isConsoleUrl = (url: string) => URL.canParse(url) && new URL(url).hostname.endsWith('.console.aws.amazon.com');

/**
 * The alert with its console links opening in the alert's own account: each AWS console link goes through the
 * access portal's shortcut (`#/console?account_id=…&role_name=…&destination=…`), which signs the reader in to that
 * account as the role, then opens the page. Other links, and every link without a portal, stay as they are. Pure.
 */
export function withAccountLinks(alert: Alert, signIn: ConsoleSignInLinks | undefined): Alert {
  if (!signIn || !/^\d{12}$/.test(alert.account)) return alert;
  const portal = signIn.startUrl.replace(/\/+$/, '');
  const links = alert.links.map((link) => {
    if (!isConsoleUrl(link.url)) return link;
    const query = new URLSearchParams({ account_id: alert.account, role_name: signIn.roleName, destination: link.url });
    return { ...link, url: `${portal}/#/console?${query.toString()}` };
  });
  return { ...alert, links };
}
