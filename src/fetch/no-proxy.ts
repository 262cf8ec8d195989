/**
 * NO_PROXY as curl reads it (lib/noproxy.c), pure: entries separated by commas or spaces; `*`
 * alone bypasses the proxy for every host; a name matches itself and its subdomains on a label
 * boundary (`example.com` and `.example.com` both match `a.example.com`, never `badexample.com`);
 * `host:port` only on that port; an IP address or IPv4/IPv6 CIDR (`10.0.0.0/8`, `[fd00::]/8`)
 * matches literal addresses in the URL (names are not resolved). undici's EnvHttpProxyAgent knows
 * no CIDR, hence this module.
 */
import { BlockList, isIP } from 'node:net';

/** One parsed entry. */
export type NoProxyRule =
  | { readonly kind: 'all' }
  | { readonly kind: 'name'; readonly name: string; readonly port: number | undefined }
  | { readonly kind: 'net'; readonly net: BlockList; readonly port: number | undefined };

/** Parses a NO_PROXY value; entries that mean nothing (empty, bad CIDR) are dropped. */
export function parseNoProxy(value: string | undefined): NoProxyRule[] {
  const entries = (value ?? '').split(/[\s,]+/).filter(Boolean);
  if (entries.length === 1 && entries[0] === '*') return [{ kind: 'all' }];
  return entries.flatMap((entry) => {
    const rule = parseEntry(entry); // names are lower-cased by normalizeHost, addresses need not be
    return rule ? [rule] : [];
  });
}

/** True when a request to `hostname` on `port` goes direct. */
export function bypassesProxy(rules: readonly NoProxyRule[], hostname: string, port: number): boolean {
  const host = normalizeHost(hostname);
  const ipType = isIP(host);
  return rules.some((rule) => {
    if (rule.kind === 'all') return true;
    if (rule.port !== undefined && rule.port !== port) return false;
    if (rule.kind === 'net') return ipType !== 0 && rule.net.check(host, ipType === 4 ? 'ipv4' : 'ipv6');
    return host === rule.name || (ipType === 0 && host.endsWith(`.${rule.name}`));
  });
}

const normalizeHost = (hostname: string) =>
  hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');

/** `[v6](/len)(:port)`, `v6(/len)`, `v4(/len)(:port)` or `name(:port)`. */
function parseEntry(entry: string): NoProxyRule | undefined {
  let address = entry;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](\/\d{1,3})?(?::(\d{1,5}))?$/.exec(entry);
  if (bracketed) {
    address = bracketed[1]! + (bracketed[2] ?? '');
    port = bracketed[3] ? Number(bracketed[3]) : undefined;
  } else if ((entry.match(/:/g) ?? []).length === 1) {
    const [name, p] = entry.split(':');
    if (!/^\d{1,5}$/.test(p!)) return undefined;
    [address, port] = [name!, Number(p)];
  }
  const [ip, bits] = address.split('/');
  const ipType = isIP(ip!);
  if (ipType === 0) {
    if (bits !== undefined) return undefined;
    const name = normalizeHost(address.replace(/^\*?\./, ''));
    return name ? { kind: 'name', name, port } : undefined;
  }
  const max = ipType === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return undefined;
  const net = new BlockList();
  net.addSubnet(ip!, prefix, ipType === 4 ? 'ipv4' : 'ipv6');
  return { kind: 'net', net, port };
}
