/**
 * The daemon's configuration file (YAML). Strict: an unknown key or a wrong type is an error that
 * names the file, the key path and what was expected. Every field has a default, so the embedded
 * default runs with no file at all.
 */
import { z } from 'zod';
import {
  MAX_BODY_BYTES,
  MAX_SIGNATURES_PER_IMAGE,
  MAX_SIGNATURE_BYTES,
  PER_HOST_CONCURRENCY,
  UPSTREAM_TIMEOUT_MS,
} from '../limits.js';
import { anchoredDomainRegexp, anchoredPathComponentRegexp } from '../reference/index.js';

const MiB = 1024 * 1024;

/**
 * The system CA bundles read by default, where they exist: RHEL/Fedora (update-ca-trust) and
 * Debian/Ubuntu (update-ca-certificates), as containers/image trusts the system pool.
 */
export const DEFAULT_CA_BUNDLES = [
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/certs/ca-certificates.crt',
] as const;

const redisSchema = z.strictObject({
  /** Redis URL (`redis://host:port/db`); unset = start or reuse a local Redis (see src/redis). */
  url: z.string().min(1).optional(),
  /** Key prefix for queues and stores, so several deployments can share one Redis. Default `sigmirror`. */
  prefix: z.string().min(1).default('sigmirror'),
});

const storeSchema = z.strictObject({
  /** Backend: `fs` (a lookaside tree on disk) or `redis` (in the configured Redis, shared by masters). Default `fs`. */
  backend: z.enum(['fs', 'redis']).default('fs'),
  /** Root of the signature tree (fs backend). Default `./var/store`. */
  path: z.string().min(1).default('./var/store'),
  /**
   * fs backend: concurrent writes share one syncfs of the store's filesystem per batch instead of
   * an fsync per file; for a store volume of its own. Default false (docs/benchmarks.md).
   */
  groupCommit: z.boolean().default(false),
});

const listenSchema = z.strictObject({
  /** Address to bind. Default `127.0.0.1`. */
  host: z.string().min(1).default('127.0.0.1'),
  /** TCP port. Default 8080. */
  port: z.number().int().min(0).max(65535).default(8080),
  /** HTTP serving processes sharing the port (node:cluster); 1 = the daemon process serves. Default 1. */
  processes: z.number().int().min(1).max(64).default(1),
});

const authSchema = z.strictObject({
  /** YAML file of hashed tokens with roles; unset = no tokens (only anonymous reads). */
  tokensFile: z.string().min(1).optional(),
  /** Let GET/HEAD of the mirror and signatures API through without a token. Default true. */
  anonymousRead: z.boolean().default(true),
});

/** A proxy URL: http(s)://[user:password@]host:port. */
const proxyUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'a proxy is an http:// or https:// URL');

const proxySchema = z.strictObject({
  /** Proxy for https:// sigstores (a CONNECT tunnel). Default none. */
  https: proxyUrl.optional(),
  /** Proxy for http:// sigstores. Default none. */
  http: proxyUrl.optional(),
  /** Hosts reached directly, curl's NO_PROXY syntax: `*`, names, `.suffix`, `host:port`, CIDR. */
  noProxy: z.string().optional(),
});

const importSchema = z.strictObject({
  /** Import jobs run at once per worker process. Default 8. */
  concurrency: z.number().int().min(1).max(1024).default(8),
  /** Most signatures read per image; at most the per-image cap (src/limits.ts). Default 127. */
  maxSignatures: z.number().int().min(1).max(MAX_SIGNATURES_PER_IMAGE).default(MAX_SIGNATURES_PER_IMAGE),
  /** Largest signature accepted, imported or uploaded, as containers/image. Default and maximum 4 MiB. */
  maxSignatureBytes: z.number().int().min(1).max(MAX_SIGNATURE_BYTES).default(MAX_SIGNATURE_BYTES),
  /** Upstream hosts (`host` or `host:port`) whose redirects may lead to another host (a public
   *  sigstore that redirects to its CDN). Never https → http. Default none: redirects stay on the host. */
  crossHostRedirects: z.array(z.string().min(1)).default([]),
  /** Per-request timeout for upstream sigstores, in ms. Default 30000. */
  timeoutMs: z.number().int().min(100).max(600_000).default(UPSTREAM_TIMEOUT_MS),
  /** Requests at once per upstream sigstore host, so one slow host cannot take every slot. Default 8. */
  perHostConcurrency: z.number().int().min(1).max(1024).default(PER_HOST_CONCURRENCY),
  /** Attempts per import job before it fails. Default 5. */
  attempts: z.number().int().min(1).max(100).default(5),
  /** Upstream hosts (`host` or `host:port`) whose 403 means "no such signature" (object stores). Default none. */
  treat403AsMissing: z.array(z.string().min(1)).default([]),
  /** Re-check delays for an image whose import found no signatures yet (ms). Default 10 s, 1 min, 10 min, 1 h. */
  recheckDelaysMs: z.array(z.number().int().min(0)).max(50).default([10_000, 60_000, 600_000, 3_600_000]),
  /** Re-read every known image this long after its last import (ms; 0 = never). Default one day. */
  resyncIntervalMs: z.number().int().min(0).default(86_400_000),
  /** During a resync sweep, at most one image per upstream host this often (ms). Default 1000. */
  resyncSpacingMs: z.number().int().min(0).default(1_000),
  /** A crashed worker's jobs are taken over after about this long (ms). Default 30000. */
  lockDurationMs: z.number().int().min(1_000).max(600_000).default(30_000),
  /**
   * System CA bundles trusted for https sigstores besides Node's roots and certs.d, read where
   * they exist and re-read when they change. Default the RHEL and Debian bundles; [] = none.
   */
  caBundles: z.array(z.string().min(1)).default([...DEFAULT_CA_BUNDLES]),
  /**
   * Proxy for upstream sigstores. When set it wins, as a whole, over HTTPS_PROXY, HTTP_PROXY and
   * NO_PROXY (read when unset). WARNING: credentials in these URLs are secrets: keep the file 0640.
   */
  proxy: proxySchema.optional(),
});

const workerSchema = z.strictObject({
  /** `sigmirror worker` serves /healthz, /readyz and /metrics on this port; unset = no HTTP at all. */
  statusPort: z.number().int().min(0).max(65535).optional(),
  /** Address for statusPort. Default `127.0.0.1`. */
  statusHost: z.string().min(1).default('127.0.0.1'),
});

const apiSchema = z.strictObject({
  /** Registry for signatures API names without a host (`/extensions/v2/<ns>/<name>/…`). Default none. */
  defaultRegistry: z.string().min(1).optional(),
  /** Largest request body accepted (a signature is at most 4 MiB, base64 adds a third). Default 6 MiB. */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * MiB)
    .default(MAX_BODY_BYTES),
});

const notificationsSchema = z.strictObject({
  /** Registries that POST notifications, by source name (the endpoint's `?source=`): the registry
   *  name images are imported under (the event's request.host is only a fallback). */
  sources: z
    .record(z.string().regex(/^[a-z0-9-]+$/), z.strictObject({ registry: z.string().min(1) }))
    .default({}),
});

const verifySchema = z.strictObject({
  /** Trusted public key files by name, for `POST /v1/verify {"keys": [name]}` and the console. Default none. */
  keys: z.record(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/), z.string().min(1)).default({}),
});

/** A release store URL: http(s) or file, as the CVO's `store-*` keys (library-go verify/configmap.go). */
const releaseStoreUrl = z
  .string()
  .url()
  .refine((u) => /^(https?|file):\/\//i.test(u), 'a release signature store is an http(s):// or file:// URL');

/** `registry/repository` with an explicit registry host, no tag or digest (a pullspec's repository). */
const repositoryName = z.string().refine((name) => {
  const [registry = '', ...path] = name.split('/');
  return (
    anchoredDomainRegexp.test(registry) &&
    path.length > 0 &&
    path.every((c) => anchoredPathComponentRegexp.test(c))
  );
}, 'a repository is registry/path (e.g. quay.io/openshift-release-dev/ocp-release), without tag or digest');

const releaseSchema = z.strictObject({
  /** Upstream release signature stores (`<store>/sha256=<hex>/signature-N`), read in order. Default none. */
  signatureStores: z.array(releaseStoreUrl).max(16).default([]),
  /** Repositories whose images are OpenShift releases: importing or pushing one imports its release signatures too. Default none. */
  repositories: z.array(repositoryName).max(64).default([]),
});

/** The whole file. */
export const daemonConfigSchema = z.strictObject({
  redis: redisSchema.default(redisSchema.parse({})),
  /** registries.d directory. Default `./config/registries.d`. */
  registriesDir: z.string().min(1).default('./config/registries.d'),
  store: storeSchema.default(storeSchema.parse({})),
  listen: listenSchema.default(listenSchema.parse({})),
  auth: authSchema.default(authSchema.parse({})),
  /** CA directories, `<dir>/<host[:port]>/*.crt` (containers and docker certs.d layouts). */
  certsDirs: z.array(z.string().min(1)).default(['/etc/containers/certs.d', '/etc/docker/certs.d']),
  import: importSchema.default(importSchema.parse({})),
  api: apiSchema.default(apiSchema.parse({})),
  worker: workerSchema.default(workerSchema.parse({})),
  notifications: notificationsSchema.default(notificationsSchema.parse({})),
  verify: verifySchema.default(verifySchema.parse({})),
  /** OpenShift release signatures (docs/releases.md). */
  release: releaseSchema.default(releaseSchema.parse({})),
  log: z
    .strictObject({
      /** pino level. Default `info`. */
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .default({ level: 'info' }),
});

/** The validated configuration, every default filled in. */
export type DaemonConfig = z.output<typeof daemonConfigSchema>;
