/**
 * One undici Agent per upstream host (connection reuse, keep-alive), trusting the system CAs plus
 * the host's CA files from certs.d directories: `<dir>/<host[:port]>/*.crt` (containers and
 * docker layouts; the port-less directory applies to the default port).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import { PER_HOST_CONCURRENCY } from './limits.js';

/** Per-host agents and where their CAs came from. */
export class AgentPool {
  private readonly agents = new Map<string, Agent>();

  constructor(
    private readonly certsDirs: readonly string[],
    private readonly timeoutMs: number,
    private readonly perHost = PER_HOST_CONCURRENCY,
  ) {}

  /** The directories searched for `hostPort`'s CA (for error messages). */
  searchedDirs(hostPort: string, defaultPort: boolean): string[] {
    const host = hostPort.replace(/:\d+$/, '');
    const names = defaultPort ? [hostPort, host] : [hostPort];
    return this.certsDirs.flatMap((dir) => [...new Set(names)].map((n) => path.join(dir, n)));
  }

  /** The agent for a URL's host:port. */
  agentFor(url: URL): Agent {
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const key = `${url.protocol}//${url.hostname}:${port}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const extra = url.protocol === 'https:' ? this.caFiles(`${url.hostname}:${port}`, url.port === '') : [];
      agent = new Agent({
        keepAliveTimeout: 30_000,
        connections: this.perHost,
        connectTimeout: this.timeoutMs,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        connect: extra.length ? { ca: [...rootCertificates, ...extra] } : {},
      });
      this.agents.set(key, agent);
    }
    return agent;
  }

  private caFiles(hostPort: string, defaultPort: boolean): string[] {
    const found: string[] = [];
    for (const dir of this.searchedDirs(hostPort, defaultPort)) {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names.filter((n) => n.endsWith('.crt')).sort()) {
        found.push(readFileSync(path.join(dir, name), 'utf8'));
      }
    }
    return found;
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.close()));
    this.agents.clear();
  }
}
