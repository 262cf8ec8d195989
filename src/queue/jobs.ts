/**
 * Import job data and ids. One job per image; the id is derived from the image so a burst of
 * identical requests is one job (BullMQ ignores an add whose jobId exists).
 */
import { z } from 'zod';
import { anchoredDomainRegexp, anchoredPathComponentRegexp } from '../reference/index.js';

/** Why an import runs: first import, an explicit re-import, the no-signature re-check, or the periodic resync. */
export const IMPORT_REASONS = ['import', 'resync', 'recheck', 'periodic'] as const;

/** The data of one import job, validated when enqueued and again when a worker takes it. */
export const importJobSchema = z.strictObject({
  registry: z.string().regex(anchoredDomainRegexp, 'registry must be a host[:port]'),
  repository: z
    .string()
    .min(1)
    .refine((r) => r.split('/').every((c) => anchoredPathComponentRegexp.test(c)), 'invalid repository path'),
  digest: z.string().regex(/^sha256:[a-f0-9]{64}$/, 'digest must be sha256:<64 lowercase hex>'),
  reason: z.enum(IMPORT_REASONS).default('import'),
  /** Position in the no-signature re-check schedule (0 = first re-check). */
  recheck: z.number().int().min(0).default(0),
  /** Set by the producer to tell whether its add created the job or joined an identical one. */
  enqueueId: z.string().max(64).optional(),
});

/** Job data after validation. */
export type ImportJob = z.output<typeof importJobSchema>;
/** Job data as a caller gives it. */
export type ImportJobInput = z.input<typeof importJobSchema>;

/**
 * `import-<hex>-<registry>/<repository>` with the port's `:` as `_` (a host never holds `_`, so
 * this is unambiguous): no `:` (BullMQ reserves it) and never all digits (BullMQ STYLE habit #8).
 */
export function jobIdFor(job: Pick<ImportJob, 'registry' | 'repository' | 'digest'>): string {
  const hex = job.digest.slice('sha256:'.length);
  return `import-${hex}-${job.registry.replace(':', '_')}/${job.repository}`;
}
