/** A real Redis Sentinel (redis-server --sentinel) in front of a real Redis: sigmirror reaches the master through it. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { type ExecutionContext } from 'ava';
import { needs } from '../../helpers/needs.js';
import { createRedis, redisAnswers } from '../../../src/redis/index.js';
import { freePort } from '../../helpers/ports.js';
import { sh } from '../../helpers/real-clients.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

const test = await needs({ tools: ['redis-cli', 'redis-server'] });

function server(t: ExecutionContext, args: string[]): void {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  t.teardown(() => void child.kill('SIGKILL'));
}

test('redis+sentinel:// reaches the master the Sentinel names', async (t) => {
  const dir = await tempDir(t);
  const masterPort = await freePort();
  const sentinelPort = await freePort();
  server(t, ['--port', String(masterPort), '--bind', '127.0.0.1', '--save', '', '--dir', dir]);
  const conf = path.join(dir, 'sentinel.conf');
  await writeFile(
    conf,
    `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor sigmirror 127.0.0.1 ${masterPort} 1\n`,
  );
  server(t, [conf, '--sentinel']);
  const url = `redis+sentinel://127.0.0.1:${sentinelPort}/sigmirror`;
  await waitFor('the sentinel', () => redisAnswers(url), 15_000);
  const client = createRedis(url, { maxRetriesPerRequest: 2 });
  t.teardown(() => client.disconnect());
  await client.set('sentinel-test', 'through the sentinel');
  t.is(
    (await sh('redis-cli', ['-p', String(masterPort), 'get', 'sentinel-test'])).trim(),
    'through the sentinel',
  );
  t.false(await redisAnswers(`redis+sentinel://127.0.0.1:${sentinelPort}/no-such-master`));
});
