/**
 * Which proxy, if any, a request to an upstream sigstore goes through: `import.proxy` from the
 * daemon config when set, else the standard variables as curl reads them (`https_proxy` /
 * `HTTPS_PROXY` for https URLs, `http_proxy` / `HTTP_PROXY` for http, `no_proxy` / `NO_PROXY`;
 * the lowercase one wins). WARNING: proxy URLs may carry credentials: log them only through
 * redactUrl.
 */
import { bypassesProxy, parseNoProxy, type NoProxyRule } from './no-proxy.js';

/** `import.proxy` of the daemon config (config/schema.ts). */
export interface ProxyConfig {
  /** Proxy for https:// sigstores (CONNECT tunnel), e.g. `http://user:pass@proxy.corp:3128`. */
  readonly https?: string | undefined;
  /** Proxy for http:// sigstores. */
  readonly http?: string | undefined;
  /** Hosts reached directly: curl's NO_PROXY syntax. */
  readonly noProxy?: string | undefined;
}

/** The proxy rules in force, and where they came from (for the start-up log). */
export interface ProxySettings {
  readonly source: 'config' | 'environment' | 'none';
  readonly https: string | undefined;
  readonly http: string | undefined;
  readonly noProxy: readonly NoProxyRule[];
}

const env = (vars: NodeJS.ProcessEnv, name: string) => vars[name.toLowerCase()] || vars[name] || undefined;

/** The config's `import.proxy` wins as a whole over the environment, so one file says it all. */
export function proxySettings(
  config: ProxyConfig | undefined,
  vars: NodeJS.ProcessEnv = process.env,
): ProxySettings {
  if (config) {
    return {
      source: 'config',
      https: config.https,
      http: config.http,
      noProxy: parseNoProxy(config.noProxy),
    };
  }
  const https = env(vars, 'HTTPS_PROXY');
  const http = env(vars, 'HTTP_PROXY');
  return {
    source: https || http ? 'environment' : 'none',
    https,
    http,
    noProxy: parseNoProxy(env(vars, 'NO_PROXY')),
  };
}

/** The proxy URL for a request to `url`, or undefined to connect directly. */
export function proxyFor(settings: ProxySettings, url: URL): string | undefined {
  const proxy =
    url.protocol === 'https:' ? settings.https : url.protocol === 'http:' ? settings.http : undefined;
  if (!proxy) return undefined;
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return bypassesProxy(settings.noProxy, url.hostname, port) ? undefined : proxy;
}
