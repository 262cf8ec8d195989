/**
 * A failed import job, made the way BullMQ fails one: a real Worker on the test's queue takes it
 * and its processor throws `message` as an UnrecoverableError (failed at once, whatever the
 * attempts, as workers/import.ts fails a config error). The worker is closed before this resolves.
 */
import { UnrecoverableError, Worker } from 'bullmq';
import { IMPORT_QUEUE, type ImportProducer } from '../../../src/queue/index.js';
import { workerConnection } from '../../../src/redis/index.js';
import type { ImageKey } from '../../../src/store/index.js';
import { TEST_REDIS_URL } from '../../helpers/redis.js';

export async function failedImport(
  producer: ImportProducer,
  prefix: string,
  image: ImageKey,
  message: string,
): Promise<string> {
  const { id } = await producer.enqueue(image);
  const connection = workerConnection(TEST_REDIS_URL);
  const worker = new Worker(
    IMPORT_QUEUE,
    () => {
      throw new UnrecoverableError(message);
    },
    { connection, prefix, autorun: false },
  );
  const failed = new Promise<void>((resolve) => worker.on('failed', () => resolve()));
  void worker.run();
  await failed;
  await worker.close();
  connection.disconnect();
  return id;
}
