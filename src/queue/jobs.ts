/**
 * Import job data and ids. One job per image; the id is derived from the image so a burst of
 * identical requests is one job (BullMQ ignores an add whose jobId exists).
 */
import { z } from 'zod';
import { imageKeyProblem, type ImageKeyPart } from '../reference/index.js';

/** Why an import runs: first import, an explicit re-import, the no-signature re-check, or the periodic resync. */
export const IMPORT_REASONS = ['import', 'resync', 'recheck', 'periodic'] as const;

/** What a job's data is told when src/reference `imageKeyProblem` rejects a part of its image. */
const IMAGE_PART_MESSAGES: Readonly<Record<ImageKeyPart, string>> = {
  registry: 'registry must be a host[:port]',
  repository: 'invalid repository path',
  digest: 'digest must be sha256:<64 lowercase hex>',
};

/** The data of one import job, validated when enqueued and again when a worker takes it. */
export const importJobSchema = z
  .strictObject({
    registry: z.string(),
    repository: z.string(),
    digest: z.string(),
    reason: z.enum(IMPORT_REASONS).default('import'),
    /** Position in the no-signature re-check schedule (0 = first re-check). */
    recheck: z.number().int().min(0).default(0),
    /** Set by the producer to tell whether its add created the job or joined an identical one. */
    enqueueId: z.string().max(64).optional(),
  })
  .superRefine((image, ctx) => {
    const part = imageKeyProblem(image);
    if (part) ctx.addIssue({ code: 'custom', path: [part], message: IMAGE_PART_MESSAGES[part] });
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
