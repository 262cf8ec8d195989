/**
 * What an https connection to an upstream sigstore trusts, as containers/image does: Node's
 * roots, the system CA bundle (`import.caBundles`: a corporate CA installed with
 * update-ca-trust or update-ca-certificates lands there), and the host's own CA files in the
 * certs.d directories, `<dir>/<host[:port]>/*.crt` (the port-less directory serves the default
 * port). Read when an agent is built; certs-watch.ts drops the agents when any of it changes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { rootCertificates } from 'node:tls';

export class Trust {
  constructor(
    private readonly certsDirs: readonly string[],
    private readonly caBundles: readonly string[],
  ) {}

  /** The certs.d directories searched for `hostPort`'s CA, in order (also for error messages). */
  searchedDirs(hostPort: string, defaultPort: boolean): string[] {
    const host = hostPort.replace(/:\d+$/, '');
    const names = defaultPort ? [hostPort, host] : [hostPort];
    return this.certsDirs.flatMap((dir) => [...new Set(names)].map((n) => path.join(dir, n)));
  }

  /** The bundle files that exist now. */
  bundlesPresent(): string[] {
    return this.caBundles.filter((file) => readOrUndefined(file) !== undefined);
  }

  /** Node's roots plus the system bundles: what a proxy's own https certificate is checked with. */
  systemCa(): string[] {
    return [...rootCertificates, ...this.caBundles.flatMap((file) => readOrUndefined(file) ?? [])];
  }

  /** Every CA certificate (PEM) an https agent for `hostPort` trusts. */
  caFor(hostPort: string, defaultPort: boolean): string[] {
    return [...this.systemCa(), ...this.hostFiles(hostPort, defaultPort)];
  }

  private hostFiles(hostPort: string, defaultPort: boolean): string[] {
    return this.searchedDirs(hostPort, defaultPort).flatMap((dir) => {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return [];
      }
      return names
        .filter((n) => n.endsWith('.crt'))
        .sort()
        .flatMap((n) => readOrUndefined(path.join(dir, n)) ?? []);
    });
  }
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // missing or unreadable: as containers/image, it adds nothing
  }
}
