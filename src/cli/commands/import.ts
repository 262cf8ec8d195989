/**
 * `sigmirror import`: enqueue imports of images named by digest into the Redis the config names;
 * with --wait, block until every image's first import has ended (import-wait.ts) and exit 1 if any
 * failed, saying why.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadDaemonConfig } from '../../config/index.js';
import { ImportProducer, type EnqueueResult, type JoinedJob } from '../../queue/index.js';
import { ioredisUrl, redactRedisUrl, redisAnswers } from '../../redis/index.js';
import {
  imageKeyFromReference,
  imageReference,
  ReferenceError,
  type ImageKey,
} from '../../reference/index.js';
import { redisUrlFor } from '../../wiring/index.js';
import { CommandError } from '../exit-codes.js';
import { waitForFirstAttempts, type ImportOutcome } from '../import-wait.js';

interface ImportOptions {
  config?: string;
  fromFile?: string;
  wait?: boolean;
  json?: boolean;
  timeout: string;
}

type Enqueued = EnqueueResult & { readonly image: ImageKey };

/** Images enqueued at once: a --from-file of thousands is queued in seconds, Redis not flooded. */
const ENQUEUE_BATCH = 50;

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('enqueue signature imports for images named by digest')
    .argument('[references...]', 'registry/repository@sha256:<hex> …')
    .option('--config <file>', 'daemon config file (names the Redis)')
    .option('--from-file <file>', 'read references from a file, one per line (# comments allowed)')
    .option('--wait', "wait until every image's first import has ended; exit 1 if any failed")
    .option('--timeout <seconds>', 'with --wait, give up after this long', '600')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror import registry.redhat.io/ubi9/ubi@sha256:<hex>
  sigmirror import --from-file images.txt --wait
  sigmirror import quay.io/ns/app@sha256:<hex> --wait --json

With --wait, each image ends as "imported", "no signature found yet" (the daemon re-checks later:
the line says when) or "FAILED" with the reason. When no worker consumes the queue on that Redis
and prefix (another config than the daemon's, or no daemon), --wait says so within 5 s.
Exit codes: 0 enqueued (with --wait: no import failed); 1 an import failed, Redis is unreachable,
no worker runs the jobs (NO_WORKER) or --timeout passed; 2 an invalid reference (a tag is not
enough: the digest names the image) or an unreadable --from-file.`,
    )
    .action(async (references: string[], opts: ImportOptions) => {
      const images = await collect(references, opts.fromFile);
      const { producer, config, queueName } = await configuredProducer(opts.config);
      try {
        const jobs: Enqueued[] = [];
        for (let i = 0; i < images.length; i += ENQUEUE_BATCH) {
          const batch = images.slice(i, i + ENQUEUE_BATCH);
          jobs.push(
            ...(await Promise.all(
              batch.map(async (image) => ({ image, ...(await producer.enqueue(image)) })),
            )),
          );
        }
        if (!opts.wait) return printQueued(jobs, opts.json);
        const outcomes = await waitForFirstAttempts(
          producer,
          jobs.map((j) => ({ id: j.id, enqueueId: j.enqueueId })),
          {
            timeoutMs: Number(opts.timeout) * 1000,
            recheckDelaysMs: config.import.recheckDelaysMs,
            queueName,
            progress: opts.json ? undefined : process.stderr,
          },
        );
        report(
          jobs.map((j) => ({
            reference: imageReference(j.image),
            outcome: outcomes.get(j.id)!,
            joined: j.joined,
          })),
          opts.json,
        );
      } finally {
        await producer.close();
      }
    });
}

/** The import queue of the Redis the config names; fails when no Redis answers there. */
export async function configuredProducer(configFile: string | undefined) {
  const { config } = loadDaemonConfig(configFile);
  const redisUrl = redisUrlFor(config);
  const queueName = `${redactRedisUrl(redisUrl)} (prefix ${config.redis.prefix})`;
  if (!(await redisAnswers(ioredisUrl(redisUrl))))
    throw new CommandError(
      `no Redis answers at ${queueName}: start \`sigmirror serve\` or set redis.url in the config`,
      'REDIS_UNAVAILABLE',
    );
  const producer = new ImportProducer({
    redisUrl,
    prefix: config.redis.prefix,
    attempts: config.import.attempts,
  });
  return { producer, config, queueName };
}

function printQueued(jobs: readonly Enqueued[], json: boolean | undefined): void {
  if (json) {
    const rows = jobs.map((j) => ({
      reference: imageReference(j.image),
      id: j.id,
      deduplicated: j.deduplicated,
      joined: j.joined ?? null,
    }));
    console.log(JSON.stringify({ jobs: rows }, null, 2));
    return;
  }
  for (const j of jobs) {
    const joined = j.joined ? `, ${joinedWhat(j.joined)}` : j.deduplicated ? ', joined a pending job' : '';
    console.log(`queued ${imageReference(j.image)} (job ${j.id}${joined})`);
  }
}

async function collect(references: string[], fromFile: string | undefined): Promise<ImageKey[]> {
  const all = [...references];
  if (fromFile) {
    const text = await readFile(fromFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new CommandError(`cannot read ${fromFile}: ${err.code ?? err.message}`, 'UNREADABLE_FILE');
    });
    all.push(
      ...text
        .split('\n')
        .map((l) => l.replace(/#.*/, '').trim())
        .filter(Boolean),
    );
  }
  if (!all.length) throw new CommandError('no references given (arguments or --from-file)', 'USAGE');
  return all.map((reference) => {
    try {
      return imageKeyFromReference(reference);
    } catch (err) {
      if (err instanceof ReferenceError)
        throw new CommandError(`invalid reference "${reference}": ${err.message}`, 'INVALID_ARGUMENT');
      throw err;
    }
  });
}

/** One image's end, and the pending job its request joined (if any). */
interface Reported {
  readonly reference: string;
  readonly outcome: ImportOutcome;
  readonly joined?: JoinedJob | undefined;
}

/** The `--wait` lines (or JSON rows); exit 1 when any import failed. */
export function report(results: readonly Reported[], json?: boolean): void {
  if (json) console.log(JSON.stringify({ jobs: results.map(jsonRow) }, null, 2));
  else
    for (const r of results)
      console.log(lineOf(r.reference, r.outcome) + (r.joined ? ` (${joinedWhat(r.joined)})` : ''));
  const failed = results.filter((r) => r.outcome.kind === 'failed').length;
  if (failed) throw new CommandError(`${failed} of ${results.length} imports failed`, 'IMPORT_FAILED');
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function lineOf(reference: string, outcome: ImportOutcome): string {
  switch (outcome.kind) {
    case 'imported': {
      const r = outcome.status.result as { added?: number[]; fetched?: number };
      return `imported ${reference}: ${r.fetched ?? 0} upstream, ${r.added?.length ?? 0} new`;
    }
    case 'no-signatures':
      return outcome.nextCheckAt === undefined
        ? `no signature found yet for ${reference}; no re-check is scheduled (the periodic resync looks again)`
        : `no signature found yet for ${reference}; next re-check at ${iso(outcome.nextCheckAt)}`;
    case 'failed':
      return `FAILED ${reference}: ${outcome.error}`;
  }
}

/**
 * Says when the image was already being worked on: the request joined a running or queued
 * import, or started now what the periodic resync or a re-check had scheduled for later.
 */
function joinedWhat(joined: JoinedJob): string {
  const what =
    joined.reason === 'periodic'
      ? 'the periodic resync'
      : joined.reason === 'recheck'
        ? 'a re-check'
        : 'an import';
  if (joined.state === 'active') return `joined ${what} already running`;
  if (joined.promoted) return `joined ${what} scheduled for later; started it now`;
  return `joined ${what} already queued`;
}

/** One --json row: `outcome` imported | no-signatures | failed, `nextCheckAt` for no-signatures, `joined`. */
function jsonRow({ reference, outcome, joined }: Reported) {
  const { status } = outcome;
  return {
    reference,
    id: status.id,
    outcome: outcome.kind,
    state: status.state,
    attempts: status.attempts,
    error: outcome.kind === 'failed' ? outcome.error : null,
    nextCheckAt: outcome.kind === 'no-signatures' ? iso(outcome.nextCheckAt) : null,
    result: status.result ?? null,
    joined: joined ?? null,
  };
}
