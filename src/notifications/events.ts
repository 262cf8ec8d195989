/**
 * docker-distribution notification envelopes (`application/vnd.docker.distribution.events.v1+json`,
 * distribution notifications/event.go): which events mean "a manifest was pushed".
 * Pure; validated with a lenient schema (registries add fields over time).
 */
import { z } from 'zod';

/** The envelope's media type. */
export const EVENTS_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';

/** Manifest media types: a push of one of these is an image (or index) push; blobs are not. */
export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
]);

const eventSchema = z.looseObject({
  action: z.string(),
  target: z
    .looseObject({
      mediaType: z.string().optional(),
      digest: z.string().optional(),
      repository: z.string().optional(),
    })
    .optional(),
  request: z.looseObject({ host: z.string().optional() }).optional(),
});

/** The envelope: `{events: [...]}`. */
export const envelopeSchema = z.looseObject({ events: z.array(z.unknown()) }).meta({
  description: 'a notification envelope; events other than manifest pushes (and malformed ones) are ignored',
});

/** A manifest push worth importing. */
export interface ManifestPush {
  readonly repository: string;
  readonly digest: string;
  /** The registry host the event reports (only a fallback: proxies report internal names). */
  readonly requestHost: string | undefined;
}

/** The manifest pushes of an envelope, deduplicated; every other event is ignored. */
export function manifestPushes(envelope: z.output<typeof envelopeSchema>): ManifestPush[] {
  const seen = new Set<string>();
  const pushes: ManifestPush[] = [];
  for (const raw of envelope.events) {
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) continue;
    const { action, target, request } = parsed.data;
    if (action !== 'push' || !target?.digest || !target.repository) continue;
    if (!target.mediaType || !MANIFEST_MEDIA_TYPES.has(target.mediaType)) continue;
    const key = `${target.repository}@${target.digest}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pushes.push({ repository: target.repository, digest: target.digest, requestHost: request?.host });
  }
  return pushes;
}
