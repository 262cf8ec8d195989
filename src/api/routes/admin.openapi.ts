/**
 * The OpenAPI entries of the admin dashboard and its job actions (routes/admin.ts), beside it.
 */
import { AUTH_ERRORS, ERR, HTML, json, type RouteDoc } from '../openapi-route.js';
import { str } from '../openapi-schemas.js';
import { ADMIN_UI } from '../webui/index.js';
import { uiLoginDoc, uiPageResponses } from './webui.openapi.js';

/** The admin dashboard (docs/operations.md): pages take the `sigmirror_admin` cookie or a Bearer token. */
const ADMIN_PAGE_RESPONSES = {
  ...uiPageResponses(ADMIN_UI, 'dashboard'),
  '503': ERR('UNAVAILABLE: the queue (Redis) does not answer'),
};
/** The dashboard's job actions: Bearer only, never the cookie. */
const ADMIN_JOB_RESPONSES = {
  ...AUTH_ERRORS,
  '404': ERR('NOT_FOUND: no such queue or job (removed, or expired)'),
  '503': ERR('UNAVAILABLE: the queue (Redis) does not answer'),
};
export const ADMIN_OPENAPI: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/admin',
    operationId: 'adminStatus',
    summary:
      'admin dashboard: process, registries.d and tokens state, store counts, queue counts, recent imports and failures',
    auth: 'admin',
    responses: ADMIN_PAGE_RESPONSES,
  },
  {
    method: 'get',
    path: '/admin/queues/{queue}',
    operationId: 'adminQueue',
    summary: 'admin dashboard: a queue’s job counts per state and its newest jobs per state, with actions',
    auth: 'admin',
    responses: { ...ADMIN_PAGE_RESPONSES, '404': HTML('no such queue') },
  },
  uiLoginDoc(ADMIN_UI, 'adminLogin', 'admin dashboard', 'dashboard'),
  {
    method: 'get',
    path: '/admin/static/admin.js',
    operationId: 'adminScript',
    summary: 'admin dashboard: its script (cached for a year; pages add ?v=<hash>)',
    auth: 'public',
    responses: { '200': { description: 'the file', content: { 'text/javascript': { type: 'string' } } } },
  },
  {
    method: 'post',
    path: '/v1/admin/queues/{queue}/jobs/{jobId}/retry',
    operationId: 'retryJob',
    summary: 'move a failed job back to waiting, its attempts reset',
    auth: 'admin',
    responses: {
      '200': {
        description: 'retried',
        content: json({
          type: 'object',
          required: ['queue', 'id', 'state'],
          properties: { queue: str, id: str, state: { ...str, description: 'the job’s state now' } },
        }),
      },
      '400': ERR('BAD_REQUEST: the job is not failed'),
      ...ADMIN_JOB_RESPONSES,
    },
  },
  {
    method: 'delete',
    path: '/v1/admin/queues/{queue}/jobs/{jobId}',
    operationId: 'removeJob',
    summary: 'remove a job no worker holds (not the resync schedule’s next run)',
    auth: 'admin',
    responses: {
      '200': {
        description: 'removed',
        content: json({
          type: 'object',
          required: ['queue', 'id', 'removed'],
          properties: { queue: str, id: str, removed: { const: true } },
        }),
      },
      '400': ERR('BAD_REQUEST: the job is active, or the resync schedule’s next run'),
      ...ADMIN_JOB_RESPONSES,
    },
  },
];
