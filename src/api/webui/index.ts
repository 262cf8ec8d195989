export { uiStyle, type Asset } from './assets.js';
export { html, Html } from './escape.js';
export { imageHref, orDash, referenceLink, statusBadge, tableHead, time } from './format.js';
export { SECURITY_HEADERS, UI_CSP } from './headers.js';
export { page, type PageContext } from './layout.js';
export { ADMIN_UI, CONSOLE_UI, type UiMount } from './mounts.js';
export { noTokensNotice } from './no-tokens.js';
export { recentJobs } from './recent.js';
export { mountWebUi, type UiPage } from './router.js';
