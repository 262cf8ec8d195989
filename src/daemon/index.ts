export { startDaemon, type Daemon, type DaemonMode } from './start.js';
export { forkApiProcesses, type ApiProcesses } from './api-processes.js';
export { serveClusterMetrics, clusterMetricsScrape } from './metrics-cluster.js';
export { runDaemon } from './run.js';
