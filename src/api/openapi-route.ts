/**
 * What one OpenAPI entry is, and the pieces entries share. Each route group documents its own
 * routes beside its router (`routes/<group>.openapi.ts`); openapi.ts assembles them into the
 * document /openapi.json serves. test/integration/api/openapi.test.ts compares the entries with
 * the routers the daemon builds, both ways.
 */
import type { z } from 'zod';
import type { Role } from '../auth/index.js';
import { ref, type Schema } from './openapi-schemas.js';

export type Method = 'get' | 'head' | 'put' | 'post' | 'delete' | 'patch';

/** A response: a description, optionally with a body schema under a media type. */
export interface ResponseDoc {
  readonly description: string;
  readonly content?: Readonly<Record<string, Schema>>;
  readonly headers?: readonly string[];
}

/** One documented operation. A `{param}` in `path` must be in PARAMETERS (openapi-operation.ts). */
export interface RouteDoc {
  readonly method: Method;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** `public`: no token; roles: a token with one of them (admin implies all); `read`: reader, or none with auth.anonymousRead. */
  readonly auth: 'public' | 'read' | Role | readonly Role[];
  /** Descriptions by name (strings), or the zod schema the route validates its query with. */
  readonly query?: Readonly<Record<string, string>> | z.ZodObject;
  readonly body?: { readonly description: string; readonly content: Readonly<Record<string, Schema>> };
  readonly responses: Readonly<Record<string, ResponseDoc | string>>;
}

export const json = (schema: Schema) => ({ 'application/json': schema });
export const text = { 'text/plain': { type: 'string' } };

/** An error answer: the envelope. */
export const ERR = (description: string): ResponseDoc => ({ description, content: json(ref('Errors')) });
export const AUTH_ERRORS = { '401': ERR('no or unknown token'), '403': ERR('the token lacks the role') };

/** A web UI page (routes/console.openapi.ts, routes/admin.openapi.ts, /docs/api). */
export const HTML = (description: string): ResponseDoc => ({
  description,
  content: { 'text/html': { type: 'string' } },
});
