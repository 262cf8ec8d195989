/**
 * The OpenAPI entries of the lookaside mirror (routes/mirror.ts), beside it; openapi.ts
 * assembles every group's.
 */
import { ERR, text, type RouteDoc } from '../openapi-route.js';

/** A signature file's answers (the mirror's and the release store's); `bytes` and `missing` say whose. */
export function mirrorResponses(bytes: string, missing: string) {
  return {
    '200': { description: bytes, content: { 'application/octet-stream': {} }, headers: ['ETag'] },
    '304': 'If-None-Match matched',
    '404': { description: missing, content: text },
    '401': ERR('no or unknown token where anonymous reads are off'),
    '403': ERR('the token lacks the reader role'),
    '503': ERR('UNAVAILABLE: the store cannot answer (never a 404), with Cache-Control: no-store'),
  };
}

const MIRROR_RESPONSES = mirrorResponses('the signature’s bytes', 'no such signature (nor any after it)');

export const MIRROR_OPENAPI: readonly RouteDoc[] = [
  ...(['get', 'head'] as const).map((method): RouteDoc => ({
    method,
    path: '/sigstore/{registry}/{repository}@sha256={hex}/signature-{index}',
    operationId: `${method}MirrorSignature`,
    summary: 'the lookaside mirror: raw signature bytes, exactly as a static sigstore',
    auth: 'read',
    responses: MIRROR_RESPONSES,
  })),
];
