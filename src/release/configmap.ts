/**
 * The signature ConfigMap the CVO reads in a disconnected cluster (library-go
 * pkg/verify/configmap.go `GetSignaturesAsConfigmap`, pkg/verify/store/configmap):
 *
 *   apiVersion: v1
 *   kind: ConfigMap
 *   metadata:
 *     name: sha256-<hex>
 *     namespace: openshift-config-managed
 *     labels: {release.openshift.io/verification-signatures: ""}
 *   binaryData: {sha256-<hex>-1: <base64>, sha256-<hex>-2: …}
 *
 * The CVO lists ConfigMaps with that label in that namespace and tries every binaryData key that
 * starts with `sha256-<hex>`. Pure and byte-stable. Keep in sync with docs/releases.md §ConfigMaps.
 */
import { stringify } from 'yaml';
import { digestSegment } from '../lookaside/index.js';

export const SIGNATURES_NAMESPACE = 'openshift-config-managed';
export const SIGNATURES_LABEL = 'release.openshift.io/verification-signatures';
/**
 * Kubernetes refuses a ConfigMap whose data and binaryData exceed 1 MiB together
 * (kubernetes pkg/apis/core/validation ValidateConfigMap, `core.MaxSecretSize`).
 */
export const MAX_CONFIGMAP_DATA_BYTES = 1024 * 1024;

/** The ConfigMap object, as `oc apply -f` reads it. */
export interface SignatureConfigMap {
  readonly apiVersion: 'v1';
  readonly kind: 'ConfigMap';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
  };
  /** `sha256-<hex>-<N>` → standard base64 of signature N's bytes. */
  readonly binaryData: Readonly<Record<string, string>>;
}

/** More signature bytes than one ConfigMap may hold. */
export class ConfigMapTooLargeError extends Error {
  override readonly name = 'ConfigMapTooLargeError';
}

/** The ConfigMap of one release's signatures, in store order (`-1`, `-2`, …). */
export function signatureConfigMap(digest: string, signatures: readonly Uint8Array[]): SignatureConfigMap {
  const name = digestSegment(digest).replace('=', '-');
  const total = signatures.reduce((n, s) => n + s.length, 0);
  if (total > MAX_CONFIGMAP_DATA_BYTES)
    throw new ConfigMapTooLargeError(
      `${digest}: ${signatures.length} signatures hold ${total} bytes, more than the ${MAX_CONFIGMAP_DATA_BYTES} a ConfigMap may hold`,
    );
  const binaryData: Record<string, string> = {};
  signatures.forEach((bytes, i) => (binaryData[`${name}-${i + 1}`] = Buffer.from(bytes).toString('base64')));
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: SIGNATURES_NAMESPACE, labels: { [SIGNATURES_LABEL]: '' } },
    binaryData,
  };
}

/** Output formats of `release configmap` and `GET /v1/releases/<digest>/configmap`. */
export type ManifestFormat = 'yaml' | 'json';

/**
 * One or more manifests as text: YAML documents joined by `---`, or JSON (a `v1 List` for
 * several, which `oc apply -f` also takes). YAML 1.1 rules for quoting, since kubectl reads
 * YAML 1.1 (sigs.k8s.io/yaml); no line folding, so base64 stays on one line.
 */
export function renderManifests(objects: readonly object[], format: ManifestFormat): string {
  if (format === 'json') {
    const value = objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects };
    return `${JSON.stringify(value, null, 2)}\n`;
  }
  return objects.map((o) => stringify(o, { version: '1.1', lineWidth: 0 })).join('---\n');
}

/** A manifest's file name in an output directory. */
export function manifestFileName(name: string, format: ManifestFormat): string {
  return `${name}.${format}`;
}
