export { loadDaemonConfig, DEFAULT_CONFIG_PATH, type LoadedConfig } from './load.js';
export { INSTALL_DIR } from './install-dir.js';
export { daemonConfigSchema, type DaemonConfig } from './schema.js';
export { stateDirOf } from './state-dir.js';
