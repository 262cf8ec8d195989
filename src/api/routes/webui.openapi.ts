/**
 * What every web UI mount documents alike (routes/console.openapi.ts, routes/admin.openapi.ts):
 * its pages' answers and its login page. Built from the mount's configuration (src/api/webui).
 */
import { HTML, type RouteDoc } from '../openapi-route.js';
import type { UiMount } from '../webui/index.js';

/** A page of the mount: the page, the login redirect, a refused Bearer token, a token without the role. */
export function uiPageResponses(mount: UiMount, page: string) {
  return {
    '200': HTML('the page'),
    '303': {
      description: `no or stale ${page} cookie: to ${mount.prefix}/login?next=…`,
      headers: ['Location'],
    },
    '401': HTML('an unknown Bearer token'),
    '403': HTML(`the token lacks the ${mount.role} role`),
  };
}

/** `<prefix>/login`; `ui` names the UI in the summary, `page` its pages. */
export function uiLoginDoc(mount: UiMount, operationId: string, ui: string, page: string): RouteDoc {
  return {
    method: 'get',
    path: `${mount.prefix}/login`,
    operationId,
    summary: `${ui}: paste a token (kept in sessionStorage and the ${mount.cookie} cookie)`,
    auth: 'public',
    query: { next: `the ${page} page to return to`, reason: '`invalid`: the saved token was refused' },
    responses: { '200': HTML('the login page') },
  };
}
