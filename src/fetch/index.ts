export {
  fetchSignatureList,
  type FetchListOptions,
  type FetchListResult,
  type FetchedSignature,
  type EndedBy,
} from './signatures.js';
export { FetchError, redactUrl, parseRetryAfter, type FetchErrorKind } from './errors.js';
export { AgentPool, type AgentPoolOptions } from './agent.js';
export { proxySettings, proxyFor, type ProxyConfig, type ProxySettings } from './proxy.js';
export { parseNoProxy, bypassesProxy, type NoProxyRule } from './no-proxy.js';
export { HostLimiter } from './host-limit.js';
export * as limits from './limits.js';
export { HostBreaker, FAILURES_TO_OPEN, OPEN_MS, type BreakerOptions } from './breaker.js';
