export { createApp, type AppDeps } from './app.js';
export { buildApi, buildStatusApp, listen, listenPlain, type ApiParts } from './server.js';
export { ApiError, ERRORS, type ErrorCode } from './errors.js';
export { requireRole, principalOf, type AuthDeps } from './auth.js';
export { parseMirrorPath, parseExtensionsName, type ImagePath } from './paths.js';
export { mirror, mirrorHandler, MIRROR_PREFIX } from './routes/mirror.js';
export {
  releaseMirror,
  releaseMirrorHandler,
  parseReleaseMirrorPath,
  RELEASE_MIRROR_PREFIX,
} from './routes/release-mirror.js';
export { lookasideHandler, type LookasideHandler, type LookasideHandlerDeps } from './lookaside-handler.js';
export { healthRoutes, type ReadinessCheck } from './routes/health.js';
