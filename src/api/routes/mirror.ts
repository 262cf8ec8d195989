/**
 * The image mirror: `GET|HEAD /sigstore/<registry>/<repo>@sha256=<hex>/signature-<N>`, the layout
 * hosts use as their `lookaside:` (docs/spec/lookaside.md §Serving). The answers, auth and cache
 * are the shared lookaside handler's (../lookaside-handler.ts).
 */
import { lookasideHandler, type LookasideDeps, type LookasideHandler } from '../lookaside-handler.js';
import { parseMirrorPath } from '../../lookaside/index.js';

export const MIRROR_PREFIX = '/sigstore/';

export type MirrorDeps = LookasideDeps;

export function mirrorHandler(deps: MirrorDeps): LookasideHandler {
  return lookasideHandler(deps, { prefix: MIRROR_PREFIX, route: '/sigstore/*', locate: parseMirrorPath });
}
