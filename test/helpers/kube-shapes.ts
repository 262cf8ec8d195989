/**
 * Strict shapes of the manifests sigmirror writes for `oc apply -f`, with the rules the
 * Kubernetes API server applies to them (kubernetes pkg/apis/core/validation ValidateConfigMap,
 * apimachinery validation IsDNS1123Subdomain / IsQualifiedName / IsValidLabelValue /
 * IsConfigMapKey) and the MachineConfig shape of openshift/machine-config-operator with Ignition
 * 3.2 files. Anything else (an unknown field, a bad name, non-canonical base64) fails the parse.
 */
import { z } from 'zod';

const alnum = (c: string | undefined) => c !== undefined && /[a-z0-9]/i.test(c);
const labelChars = (s: string) => /^[a-z0-9-]+$/.test(s) && alnum(s[0]) && alnum(s.at(-1));
const dnsLabel = (s: string) => s.length <= 63 && labelChars(s);
/** Kubernetes limits the whole name to 253, not each part to 63 (`sha256-<hex>` is 71 long). */
const dnsSubdomain = (s: string) => s.length <= 253 && s.split('.').every(labelChars);
const qualifiedPart = (s: string) =>
  s.length >= 1 && s.length <= 63 && /^[A-Za-z0-9_.-]+$/.test(s) && alnum(s[0]) && alnum(s.at(-1));
const qualifiedName = (s: string) => {
  const parts = s.split('/');
  if (parts.length === 1) return qualifiedPart(s);
  return parts.length === 2 && dnsSubdomain(parts[0]!) && qualifiedPart(parts[1]!);
};
const labelValue = (s: string) => s === '' || qualifiedPart(s);
const configMapKey = (s: string) =>
  s.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(s) && s !== '.' && !s.startsWith('..');
/** Go's encoding/json decodes []byte with StdEncoding: padded, canonical. */
const canonicalBase64 = (s: string) => Buffer.from(s, 'base64').toString('base64') === s;

const objectMeta = z.strictObject({
  name: z.string().refine(dnsSubdomain, 'metadata.name: a DNS-1123 subdomain'),
  namespace: z.string().refine(dnsLabel, 'metadata.namespace: a DNS-1123 label').optional(),
  labels: z
    .record(z.string().refine(qualifiedName, 'label key'), z.string().refine(labelValue, 'label value'))
    .optional(),
});

/** A v1 ConfigMap with binaryData only, at most 1 MiB of data. */
export const configMapShape = z
  .strictObject({
    apiVersion: z.literal('v1'),
    kind: z.literal('ConfigMap'),
    metadata: objectMeta,
    binaryData: z.record(
      z.string().refine(configMapKey, 'binaryData key'),
      z.string().refine(canonicalBase64, 'binaryData value: canonical standard base64'),
    ),
  })
  .refine(
    (cm) =>
      Object.values(cm.binaryData).reduce((n, v) => n + Buffer.from(v, 'base64').length, 0) <= 1024 * 1024,
    'ConfigMap data over 1 MiB',
  );

const ignitionFile = z.strictObject({
  path: z
    .string()
    .startsWith('/')
    .refine((p) => !p.includes('\0') && !p.includes('..'), 'an absolute path'),
  mode: z.literal(420),
  overwrite: z.literal(true),
  contents: z.strictObject({
    source: z
      .string()
      .startsWith('data:text/plain;charset=utf-8;base64,')
      .refine((s) => canonicalBase64(s.slice(s.indexOf(',') + 1)), 'data URL: canonical base64'),
  }),
});

/** A MachineConfig writing files with Ignition 3.2 for one pool. */
export const machineConfigShape = z.strictObject({
  apiVersion: z.literal('machineconfiguration.openshift.io/v1'),
  kind: z.literal('MachineConfig'),
  metadata: objectMeta.extend({
    labels: z.strictObject({ 'machineconfiguration.openshift.io/role': z.enum(['master', 'worker']) }),
  }),
  spec: z.strictObject({
    config: z.strictObject({
      ignition: z.strictObject({ version: z.literal('3.2.0') }),
      storage: z.strictObject({ files: z.array(ignitionFile).min(1) }),
    }),
  }),
});

/** The bytes of an Ignition `data:` URL. */
export function decodeDataUrl(source: string): Buffer {
  return Buffer.from(source.slice(source.indexOf(',') + 1), 'base64');
}
