/** Debian's nginx serving a directory on a free 127.0.0.1 port, and wrk against a path list. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts nginx (2 workers, like the 2 cores) serving `root`; returns its base URL and a stop function. */
export async function startNginx(workDir: string, root: string): Promise<{ base: string; stop: () => void }> {
  const port = await freePort();
  const conf = path.join(workDir, 'nginx.conf');
  await writeFile(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 2;\nworker_rlimit_nofile 100000;\ndaemon off;\npid ${workDir}/nginx.pid;\nerror_log ${workDir}/nginx-error.log crit;\n` +
      `events { worker_connections 4096; }\nhttp {\n  access_log off;\n  log_not_found off;\n  default_type application/octet-stream;\n` +
      `  client_body_temp_path ${workDir}/tmp; proxy_temp_path ${workDir}/tmp; fastcgi_temp_path ${workDir}/tmp; uwsgi_temp_path ${workDir}/tmp; scgi_temp_path ${workDir}/tmp;\n` +
      `  keepalive_requests 100000;\n` +
      `  server { listen 127.0.0.1:${port}; root ${root}; autoindex off; }\n}\n`,
  );
  const child: ChildProcess = spawn('nginx', ['-c', conf, '-p', workDir], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${base}/`).then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base, stop: () => void child.kill('SIGQUIT') };
}

/** wrk over a list of paths (one per line in `pathsFile`); returns requests/s and p99 latency in ms. */
export async function wrk(
  base: string,
  pathsFile: string,
  workDir: string,
  opts: { connections: number; seconds: number; threads?: number },
): Promise<{ rps: number; p99Ms: number }> {
  const script = path.join(workDir, 'paths.lua');
  await writeFile(
    script,
    `local paths = {}\nfor line in io.lines("${pathsFile}") do paths[#paths + 1] = line end\n` +
      `math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))\nlocal i = math.random(1, #paths)\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i])\nend\n` +
      `done = function(summary, latency, requests)\n  io.write(string.format("RESULT %f %f\\n", summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000))\nend\n`,
  );
  const { stdout } = await run(
    'wrk',
    [
      '-t',
      String(opts.threads ?? 2),
      '-c',
      String(opts.connections),
      '-d',
      `${opts.seconds}s`,
      '--latency',
      '-s',
      script,
      base,
    ],
    {
      maxBuffer: 1 << 20,
    },
  );
  const m = /RESULT ([\d.]+) ([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`unexpected wrk output: ${stdout}`);
  return { rps: Number(m[1]), p99Ms: Number(m[2]) };
}
