export type { ConsoleData, ConsoleImage, ConsoleImageQuery, ConsoleStatus, ConsoleSummary } from './data.js';
export { consoleDataSource, type ConsoleSourceDeps } from './source.js';
export { apiPage } from './api-page.js';
export { overviewPage } from './overview.js';
export { imagesPage, parseImagesQuery } from './images.js';
export { imagePage } from './image.js';
