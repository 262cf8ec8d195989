/**
 * The OpenAPI entries of the web console (routes/console.ts), beside it.
 */
import { HTML, type RouteDoc } from '../openapi-route.js';
import { CONSOLE_UI } from '../webui/index.js';
import { uiLoginDoc, uiPageResponses } from './webui.openapi.js';
import { imagesQuery } from '../request-schemas.js';

/** The web console (docs/console.md): pages take the `sigmirror_console` cookie or a Bearer token. */
const CONSOLE_PAGE_RESPONSES = uiPageResponses(CONSOLE_UI, 'console');
export const CONSOLE_OPENAPI: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/console',
    operationId: 'consoleOverview',
    summary: 'web console: images per status, configuration state, recent imports and failures',
    auth: 'reader',
    responses: CONSOLE_PAGE_RESPONSES,
  },
  {
    method: 'get',
    path: '/console/images',
    operationId: 'consoleImages',
    summary: 'web console: the image listing, filtered and paged as GET /v1/images',
    auth: 'reader',
    query: imagesQuery,
    responses: { ...CONSOLE_PAGE_RESPONSES, '400': HTML('an invalid filter or cursor') },
  },
  {
    method: 'get',
    path: '/console/images/{registry}/{repository}@{digest}',
    operationId: 'consoleImage',
    summary: 'web console: an image’s signatures, unverified claims, verification records and actions',
    auth: 'reader',
    responses: {
      ...CONSOLE_PAGE_RESPONSES,
      '400': HTML('NAME_INVALID or DIGEST_INVALID'),
      '404': HTML('no such image'),
    },
  },
  uiLoginDoc(CONSOLE_UI, 'consoleLogin', 'web console', 'console'),
  ...(['console.js', 'console.css'] as const).map((name): RouteDoc => ({
    method: 'get',
    path: `/console/static/${name}`,
    operationId: name === 'console.js' ? 'consoleScript' : 'consoleStylesheet',
    summary: `web console: its ${name === 'console.js' ? 'script' : 'stylesheet'} (cached for a year; pages add ?v=<hash>)`,
    auth: 'public',
    responses: {
      '200': {
        description: 'the file',
        content: { [name === 'console.js' ? 'text/javascript' : 'text/css']: { type: 'string' } },
      },
    },
  })),
];
