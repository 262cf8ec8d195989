export { loadDaemonConfig, DEFAULT_CONFIG_PATH, type LoadedConfig } from './load.js';
export { daemonConfigSchema, type DaemonConfig } from './schema.js';
export { stateDirOf } from './state-dir.js';
