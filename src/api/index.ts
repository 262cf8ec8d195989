export { createApp, type AppDeps } from './app.js';
export { buildApi, buildStatusApp, type ApiParts } from './server.js';
export { listen, type Servable } from './listen.js';
export { ApiError, ERRORS, type ErrorCode } from './errors.js';
export { requireRole, principalOf, type AuthDeps } from './auth.js';
export { parseExtensionsName } from './paths.js';
export { mirrorHandler, MIRROR_PREFIX } from './routes/mirror.js';
export { releaseMirrorHandler, RELEASE_MIRROR_PREFIX } from './routes/release-mirror.js';
export {
  lookasideHandler,
  type LookasideDeps,
  type LookasideHandler,
  type LookasideLayout,
} from './lookaside-handler.js';
export { healthRoutes, type ReadinessCheck } from './routes/health.js';
