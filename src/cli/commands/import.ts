/**
 * `sigmirror import`: enqueue imports of images named by digest into the Redis the config names;
 * with --wait, block until every job finished and exit 1 if any failed, saying why.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadDaemonConfig, stateDirOf } from '../../config/index.js';
import { ImportProducer, type ImportStatus } from '../../queue/index.js';
import { embeddedRedisUrl, ioredisUrl, redisAnswers } from '../../redis/index.js';
import { ReferenceError } from '../../reference/index.js';
import { imageKeyFromReference, imageKeyString, type ImageKey } from '../../store/index.js';
import { CommandError, EXIT } from '../exit-codes.js';
import { Progress } from '../progress.js';

interface ImportOptions {
  config?: string;
  fromFile?: string;
  wait?: boolean;
  json?: boolean;
  timeout: string;
}

/** How often --wait polls job states. */
const POLL_MS = 250;

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('enqueue signature imports for images named by digest')
    .argument('[references...]', 'registry/repository@sha256:<hex> …')
    .option('--config <file>', 'daemon config file (names the Redis)')
    .option('--from-file <file>', 'read references from a file, one per line (# comments allowed)')
    .option('--wait', 'wait until every import finished; exit 1 if any failed')
    .option('--timeout <seconds>', 'with --wait, give up after this long', '600')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror import registry.redhat.io/ubi9/ubi@sha256:<hex>
  sigmirror import --from-file images.txt --wait
  sigmirror import quay.io/ns/app@sha256:<hex> --wait --json

Exit codes: 0 enqueued (or, with --wait, all imported); 1 an import failed or Redis is unreachable;
2 an invalid reference (a tag is not enough: the digest names the image).`,
    )
    .action(async (references: string[], opts: ImportOptions) => {
      const images = await collect(references, opts.fromFile);
      const producer = await configuredProducer(opts.config);
      try {
        const jobs = [];
        for (const image of images) jobs.push({ image, ...(await producer.enqueue(image)) });
        if (!opts.wait) {
          if (opts.json)
            console.log(
              JSON.stringify(
                {
                  jobs: jobs.map((j) => ({
                    reference: imageKeyString(j.image),
                    id: j.id,
                    deduplicated: j.deduplicated,
                  })),
                },
                null,
                2,
              ),
            );
          else
            for (const j of jobs)
              console.log(
                `queued ${imageKeyString(j.image)} (job ${j.id}${j.deduplicated ? ', joined a pending job' : ''})`,
              );
          return;
        }
        const finished = await waitAll(
          producer,
          jobs.map((j) => j.id),
          Number(opts.timeout) * 1000,
          opts.json,
        );
        report(
          jobs.map((j) => ({ reference: imageKeyString(j.image), status: finished.get(j.id)! })),
          opts.json,
        );
      } finally {
        await producer.close();
      }
    });
}

/** The import queue of the Redis the config names; fails when no Redis answers there. */
export async function configuredProducer(configFile: string | undefined): Promise<ImportProducer> {
  const { config } = loadDaemonConfig(configFile);
  const redisUrl = config.redis.url ?? embeddedRedisUrl(stateDirOf(config));
  if (!(await redisAnswers(ioredisUrl(redisUrl)))) {
    throw new CommandError(
      `no Redis answers at ${redisUrl}: start \`sigmirror serve\` or set redis.url in the config`,
    );
  }
  return new ImportProducer({ redisUrl, prefix: config.redis.prefix, attempts: config.import.attempts });
}

async function collect(references: string[], fromFile: string | undefined): Promise<ImageKey[]> {
  const all = [...references];
  if (fromFile) {
    const text = await readFile(fromFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new CommandError(`cannot read ${fromFile}: ${err.code ?? err.message}`, EXIT.USAGE);
    });
    all.push(
      ...text
        .split('\n')
        .map((l) => l.replace(/#.*/, '').trim())
        .filter(Boolean),
    );
  }
  if (!all.length) throw new CommandError('no references given (arguments or --from-file)', EXIT.USAGE);
  return all.map((reference) => {
    try {
      return imageKeyFromReference(reference);
    } catch (err) {
      if (err instanceof ReferenceError)
        throw new CommandError(`invalid reference "${reference}": ${err.message}`, EXIT.USAGE);
      throw err;
    }
  });
}

export async function waitAll(producer: ImportProducer, ids: string[], timeoutMs: number, quiet?: boolean) {
  const done = new Map<string, ImportStatus>();
  const progress = new Progress(ids.length, quiet ? undefined : process.stderr);
  const deadline = Date.now() + timeoutMs;
  while (done.size < new Set(ids).size) {
    for (const id of new Set(ids)) {
      if (done.has(id)) continue;
      const status = await producer.status(id);
      if (status && (status.state === 'completed' || status.state === 'failed')) {
        done.set(id, status);
        progress.tick(
          `${status.state} ${status.data.registry}/${status.data.repository}@${status.data.digest}`,
        );
      }
    }
    if (Date.now() > deadline)
      throw new CommandError(
        `gave up waiting after ${timeoutMs / 1000} s (${done.size}/${ids.length} finished)`,
      );
    if (done.size < new Set(ids).size) await new Promise((r) => setTimeout(r, POLL_MS));
  }
  progress.end();
  return done;
}

export function report(results: Array<{ reference: string; status: ImportStatus }>, json?: boolean): void {
  const failed = results.filter((r) => r.status.state === 'failed');
  if (json) {
    const rows = results.map(({ reference, status }) => ({
      reference,
      id: status.id,
      state: status.state,
      attempts: status.attempts,
      error: status.error ?? null,
      result: status.result ?? null,
    }));
    console.log(JSON.stringify({ jobs: rows }, null, 2));
  } else {
    for (const { reference, status } of results) {
      const r = status.result as { added?: number[]; fetched?: number } | undefined;
      console.log(
        status.state === 'completed'
          ? `imported ${reference}: ${r?.fetched ?? 0} upstream, ${r?.added?.length ?? 0} new`
          : `FAILED ${reference}: ${status.error}`,
      );
    }
  }
  if (failed.length) throw new CommandError(`${failed.length} of ${results.length} imports failed`);
}
