export type { AdminStatus, QueueCountsView, QueueView } from './data.js';
export {
  adminDataSource,
  JOBS_PER_STATE,
  type AdminConfigView,
  type AdminData,
  type AdminSourceDeps,
} from './source.js';
export { statusPage, duration } from './status-page.js';
export { queuePage } from './queue-page.js';
export { queueHref, type AdminPageContext } from './layout.js';
