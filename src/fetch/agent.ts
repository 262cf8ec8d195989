/**
 * One undici dispatcher per upstream host (connection reuse, keep-alive): a direct Agent, or a
 * ProxyAgent when proxy.ts says the host goes through a proxy (CONNECT tunnel for https, plain
 * forwarding for http, as curl). Each trusts what trust.ts lists for its host. `watch()` drops
 * every dispatcher when a CA file changes (certs-watch.ts): the next request builds a fresh one
 * with the new CAs, while requests in flight finish on the old one.
 */
import type { Logger } from 'pino';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { redactUrl } from '../redact.js';
import { CertsWatcher } from './certs-watch.js';
import { PER_HOST_CONCURRENCY } from './limits.js';
import { proxyFor, proxySettings, type ProxySettings } from './proxy.js';
import { Trust } from './trust.js';

/** What a pool trusts and how it reaches hosts; defaults: Node's roots only, no proxy. */
export interface AgentPoolOptions {
  /** System CA bundle files read where they exist (`import.caBundles`). Default none. */
  readonly caBundles?: readonly string[] | undefined;
  /** Proxy rules (proxy.ts). Default: none, whatever the environment says. */
  readonly proxy?: ProxySettings | undefined;
}

export class AgentPool {
  private readonly agents = new Map<string, Dispatcher>();
  private readonly trust: Trust;
  private readonly proxy: ProxySettings;
  private watcher: CertsWatcher | undefined;

  constructor(
    private readonly certsDirs: readonly string[],
    private readonly timeoutMs: number,
    private readonly perHost = PER_HOST_CONCURRENCY,
    private readonly options: AgentPoolOptions = {},
  ) {
    this.trust = new Trust(certsDirs, options.caBundles ?? []);
    this.proxy = options.proxy ?? proxySettings({});
  }

  /** The directories searched for `hostPort`'s CA (for error messages). */
  searchedDirs(hostPort: string, defaultPort: boolean): string[] {
    return this.trust.searchedDirs(hostPort, defaultPort);
  }

  /** The system bundles read (those of `import.caBundles` that exist), for error messages. */
  bundles(): string[] {
    return this.trust.bundlesPresent();
  }

  /** The proxy a request to `url` goes through (credentials removed), or undefined. */
  proxyOf(url: URL): string | undefined {
    const proxy = proxyFor(this.proxy, url);
    return proxy && redactUrl(proxy);
  }

  /**
   * The dispatcher for a URL's scheme, host and port. The proxy needs no place in the key: it
   * follows from those three (proxy.ts) while the pool lives.
   */
  agentFor(url: URL): Dispatcher {
    const key = `${url.protocol}//${hostPort(url)}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = this.build(url, proxyFor(this.proxy, url));
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** The CAs an https connection to `url` trusts (trust.ts): Node's roots, bundles, certs.d. */
  caFor(url: URL): string[] {
    return this.trust.caFor(hostPort(url), url.port === '');
  }

  private build(url: URL, proxy: string | undefined): Dispatcher {
    const https = url.protocol === 'https:';
    const ca = https ? this.caFor(url) : undefined;
    const common = {
      keepAliveTimeout: 30_000,
      connections: this.perHost,
      connectTimeout: this.timeoutMs,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    };
    if (!proxy) return new Agent({ ...common, connect: ca ? { ca } : {} });
    return new ProxyAgent({
      ...common,
      uri: proxy, // userinfo becomes Proxy-Authorization: Basic
      proxyTunnel: https, // CONNECT for https; http is forwarded, as curl does
      requestTls: ca ? { ca, timeout: this.timeoutMs } : { timeout: this.timeoutMs },
      proxyTls: { ca: this.trust.systemCa(), timeout: this.timeoutMs },
    });
  }

  /** Watches the certs.d directories and bundles; a change applies to the next connection. */
  async watch(logger?: Logger): Promise<void> {
    const paths = [...this.certsDirs, ...(this.options.caBundles ?? [])];
    this.watcher = new CertsWatcher(paths, () => {
      logger?.info({ paths }, 'CA files changed; new connections trust the new set');
      this.drop();
    });
    await this.watcher.start();
  }

  /** Forgets every dispatcher; the old ones close once their requests are done. */
  private drop(): void {
    const old = [...this.agents.values()];
    this.agents.clear();
    for (const agent of old) void agent.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.watcher?.close();
    await Promise.all([...this.agents.values()].map((a) => a.close()));
    this.agents.clear();
  }
}

/** `host:port`, the default port of the scheme filled in (certs.d directories are named so). */
function hostPort(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}
