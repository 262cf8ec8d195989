/**
 * The Dockerfile without a Docker engine: its stages replayed in a temp directory standing in for
 * the image's root, then its ENTRYPOINT + CMD started and its HEALTHCHECK run against it.
 *
 * Replayed exactly: WORKDIR, ENV, COPY (from the context, filtered by .dockerignore, or from the
 * build stage), `npm run build`, `ln -s`, `mkdir -p`. Substituted: the build stage's `npm ci` (the
 * repository's node_modules, installed from the same lockfile), the runtime stage's
 * `npm ci --omit=dev` (run with --ignore-scripts --prefer-offline, so npm's cache serves it).
 * Skipped: `chown` (needs root) and `npm cache clean` (would empty this user's cache). Any other
 * RUN command fails the test until it is taught here.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { loadDaemonConfig } from '../../../src/config/index.js';
import { freePort } from '../../helpers/ports.js';
import { TEST_REDIS_URL, redisPrefix } from '../../helpers/redis.js';
import { tempDir } from '../../helpers/tmp.js';
import { exitWithin, spawnDaemon, underRoot, waitReady } from './replay.js';
import { needs } from '../../helpers/needs.js';

const redisTest = await needs({ redis: true });

const CONTEXT = new URL('../../../', import.meta.url).pathname;

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}
interface Stage {
  readonly name: string | undefined;
  readonly steps: Instruction[];
}

/** Instructions by stage: comments dropped, backslash continuations joined. */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n');
  for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
    const [, keyword, args] = /^(\S+)\s(.*)$/.exec(line)!;
    if (keyword!.toUpperCase() === 'FROM')
      stages.push({ name: /\sAS\s+(\S+)$/i.exec(args!)?.[1], steps: [] });
    stages.at(-1)!.steps.push({ keyword: keyword!.toUpperCase(), args: args!.trim() });
  }
  return stages;
}

/** .dockerignore as Docker applies it: patterns from the context root, `**`, `!` exceptions, last match wins. */
function dockerignore(): (relative: string) => boolean {
  const rules = readFileSync(path.join(CONTEXT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const glob = path.posix.normalize(l.replace(/^!/, '').replace(/^\//, ''));
      const source = glob
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) =>
          part === '**/' || part === '**'
            ? '(?:.*/)?'
            : part === '*'
              ? '[^/]*'
              : part === '?'
                ? '[^/]'
                : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
        )
        .join('');
      return { negate, re: new RegExp(`^${source}$`) };
    });
  return (relative) => {
    // A path is excluded when it or one of its parent directories matches.
    const prefixes = relative.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((p) => rule.re.test(p))) excluded = !rule.negate;
    return excluded;
  };
}

/** What the replay knows of the image being built. */
interface Image {
  /** The image's `/`. */
  readonly root: string;
  workdir: string;
  env: Record<string, string>;
  user: string;
  json: Record<string, unknown>;
}

const json = (args: string) => JSON.parse(args) as string[];

function copy(args: string, image: Image, stages: Map<string, Image>, ignored: (p: string) => boolean): void {
  const words = args.split(/\s+/);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const [dest, ...sources] = words.filter((w) => !w.startsWith('--')).reverse();
  const target = path.join(image.root, path.posix.resolve(image.workdir, dest!));
  const intoDir = dest!.endsWith('/') || sources.length > 1;
  for (const source of sources.reverse()) {
    const origin = from ? path.join(stages.get(from)!.root, source) : path.join(CONTEXT, source);
    if (!from && ignored(path.posix.normalize(source)))
      throw new Error(`COPY ${source}: excluded by .dockerignore`);
    if (!existsSync(origin)) throw new Error(`COPY ${source}: not found in ${from ?? 'the context'}`);
    const directory = lstatSync(origin).isDirectory();
    const to = intoDir && !directory ? path.join(target, path.basename(source)) : target;
    mkdirSync(path.dirname(to), { recursive: true });
    cpSync(origin, to, {
      recursive: true,
      filter: (file) => from !== undefined || !ignored(path.relative(CONTEXT, file)),
    });
  }
}

function run(args: string, image: Image, runtime: boolean): void {
  const cwd = path.join(image.root, image.workdir);
  for (const command of args.split('&&').map((c) => c.trim())) {
    const words = command.split(/\s+/);
    const rooted = (p: string) => path.join(image.root, p);
    if (/^npm ci\b/.test(command) && !runtime) {
      // Same lockfile as the repository's own install: link it instead of installing again.
      if (
        readFileSync(path.join(cwd, 'package-lock.json'), 'utf8') !==
        readFileSync(path.join(CONTEXT, 'package-lock.json'), 'utf8')
      )
        throw new Error('package-lock.json differs from the repository');
      symlinkSync(path.join(CONTEXT, 'node_modules'), path.join(cwd, 'node_modules'));
    } else if (/^npm ci --omit=dev\b/.test(command)) {
      execFileSync('npm', [...words.slice(1), '--ignore-scripts', '--prefer-offline'], {
        cwd,
        stdio: 'pipe',
      });
    } else if (command === 'npm run build') {
      execFileSync('npm', ['run', 'build'], { cwd, stdio: 'pipe' });
    } else if (command === 'npm cache clean --force' || words[0] === 'chown') {
      continue; // see the header comment
    } else if (words[0] === 'ln' && words[1] === '-s' && words.length === 4) {
      mkdirSync(path.dirname(rooted(words[3]!)), { recursive: true });
      symlinkSync(rooted(words[2]!), rooted(words[3]!));
    } else if (words[0] === 'mkdir' && words[1] === '-p') {
      for (const dir of words.slice(2)) mkdirSync(rooted(dir), { recursive: true });
    } else throw new Error(`RUN ${command}: this replay does not know it`);
  }
}

/** Replays every stage; returns the final image. */
function build(root: string): Image {
  const stages = new Map<string, Image>();
  const ignored = dockerignore();
  const parsed = parseDockerfile(readFileSync(path.join(CONTEXT, 'Dockerfile'), 'utf8'));
  let image: Image | undefined;
  for (const [i, stage] of parsed.entries()) {
    image = { root: path.join(root, `stage-${i}`), workdir: '/', env: {}, user: 'root', json: {} };
    const runtime = i === parsed.length - 1;
    for (const { keyword, args } of stage.steps) {
      if (keyword === 'FROM') continue;
      else if (keyword === 'WORKDIR')
        mkdirSync(path.join(image.root, (image.workdir = args)), { recursive: true });
      else if (keyword === 'ENV')
        for (const pair of args.split(/\s+/))
          image.env[pair.split('=')[0]!] = pair.slice(pair.indexOf('=') + 1);
      else if (keyword === 'COPY') copy(args, image, stages, ignored);
      else if (keyword === 'RUN') run(args, image, runtime);
      else if (keyword === 'USER') image.user = args;
      else if (keyword === 'HEALTHCHECK') image.json.HEALTHCHECK = json(args.slice(args.indexOf('CMD ') + 4));
      else if (['VOLUME', 'ENTRYPOINT', 'CMD'].includes(keyword)) image.json[keyword] = json(args);
      else if (keyword === 'EXPOSE') image.json.EXPOSE = args.split(/\s+/);
      else throw new Error(`${keyword}: this replay does not know it`);
    }
    if (stage.name) stages.set(stage.name, image);
  }
  return image!;
}

test('config/docker.yaml passes the daemon config schema and fits the image', (t) => {
  const { config } = loadDaemonConfig(path.join(CONTEXT, 'config/docker.yaml'), {});
  t.like(config, {
    redis: { url: 'redis://redis:6379/0' },
    registriesDir: '/etc/sigmirror/registries.d',
    store: { path: '/var/lib/sigmirror/store' },
    listen: { host: '0.0.0.0', port: 8080, processes: 1 },
  });
  const dockerfile = readFileSync(path.join(CONTEXT, 'Dockerfile'), 'utf8');
  t.regex(dockerfile, /^COPY config\/docker\.yaml \/etc\/sigmirror\/sigmirror\.yaml$/m);
  t.regex(dockerfile, /^VOLUME \["\/var\/lib\/sigmirror", "\/etc\/sigmirror"\]$/m);
  t.regex(dockerfile, /^EXPOSE 8080$/m);
});

redisTest(
  'the Dockerfile replayed builds an image whose entrypoint serves /readyz and passes its HEALTHCHECK',
  async (t) => {
    t.timeout(120_000);
    const prefix = await redisPrefix(t);
    const root = await tempDir(t, 'sigmirror-docker-');
    const image = build(root);
    t.not(image.user, 'root');
    t.deepEqual(image.json.VOLUME, ['/var/lib/sigmirror', '/etc/sigmirror']);
    t.true(existsSync(path.join(image.root, 'usr/local/bin/sigmirror')), 'sigmirror on the PATH');
    // The container's absolute paths in its config lie under the replay's root here.
    const config = path.join(image.root, 'etc/sigmirror/sigmirror.yaml');
    writeFileSync(config, underRoot(image.root, readFileSync(config, 'utf8')));

    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...Object.fromEntries(Object.entries(image.env).map(([k, v]) => [k, underRoot(image.root, v)])),
      SIGMIRROR_REDIS_URL: TEST_REDIS_URL,
      SIGMIRROR_REDIS_PREFIX: prefix,
      SIGMIRROR_LISTEN_HOST: '127.0.0.1',
      SIGMIRROR_LISTEN_PORT: String(port),
    };
    const argv = [...(image.json.ENTRYPOINT as string[]), ...(image.json.CMD as string[])].map((a) =>
      a === 'node' ? process.execPath : underRoot(image.root, a),
    );
    const daemon = spawnDaemon(t, argv, { cwd: path.join(image.root, image.workdir), env });
    const ready = await waitReady(daemon, `http://127.0.0.1:${port}/readyz`);
    t.deepEqual(await ready.json(), {
      status: 'ready',
      checks: { redis: 'ok', registries: 'ok', store: 'ok' },
    });
    t.like(
      daemon.lines().find((l) => l.msg === 'registries.d configuration applied'),
      { scopes: 2 },
    );
    const [healthBinary, ...healthArgs] = image.json.HEALTHCHECK as string[];
    t.is(healthBinary, 'node');
    execFileSync(process.execPath, healthArgs, { env, timeout: 5_000 }); // throws unless it exits 0

    daemon.child.kill('SIGTERM'); // docker stop
    t.deepEqual(await exitWithin(daemon, 10_000), { code: 0, signal: null });
    t.throws(() => execFileSync(process.execPath, healthArgs, { env, timeout: 5_000, stdio: 'ignore' }), {
      message: /Command failed/,
    });
  },
);
