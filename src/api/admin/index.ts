export type { AdminStatus, QueueCountsView, QueueView } from './data.js';
export {
  adminDataSource,
  JOBS_PER_STATE,
  type AdminConfigView,
  type AdminData,
  type AdminSourceDeps,
} from './source.js';
export { loadAdminAssets } from './assets.js';
export { ADMIN_COOKIE, requireAdminPage, safeAdminNext } from './session.js';
export { adminLoginPage } from './login.js';
export { statusPage, duration } from './status-page.js';
export { queuePage } from './queue-page.js';
export { queueHref, type AdminPageContext } from './layout.js';
