/**
 * Linear-time input handling (issue: hostile input). recheck proves every pattern of the docker
 * reference grammar safe (the old `[-]*` separator made it exponential), and adversarial inputs of
 * 10,000 characters, built to make a backtracking parser explode, are answered at once.
 */
import test from 'ava';
import { check } from 'recheck';
import * as grammar from '../../../src/reference/grammar.js';
import { parseNormalizedReference } from '../../../src/reference/index.js';
import { parseMirrorPath } from '../../../src/lookaside/index.js';

const patterns = Object.entries(grammar).filter((e): e is [string, RegExp] => e[1] instanceof RegExp);

/**
 * recheck, made deterministic: a fixed seed, and no wall-clock limits (a loaded CI machine once
 * made its time-based recall call a safe pattern vulnerable). Its fuzzer counts matching steps,
 * so the verdict depends on the pattern alone.
 */
const RECHECK = {
  randomSeed: 20261202,
  timeout: null,
  attackTimeout: null,
  incubationTimeout: null,
  recallTimeout: -1,
} as const;

test('the grammar exports the patterns this test checks', (t) => {
  t.deepEqual(patterns.map(([name]) => name).sort(), [
    'anchoredDomainRegexp',
    'anchoredIdentifierRegexp',
    'anchoredPathComponentRegexp',
    'anchoredTagRegexp',
    'referenceRegexp',
  ]);
});

for (const [name, pattern] of patterns) {
  test(`recheck: ${name} is safe`, async (t) => {
    t.timeout(60_000);
    const diagnostics = await check(pattern.source, pattern.flags, RECHECK);
    t.is(diagnostics.status, 'safe', JSON.stringify(diagnostics).slice(0, 500));
  });
}

test('recheck still finds the old separator exponential (the check can fail)', async (t) => {
  const old = '^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$';
  const diagnostics = await check(old, '', RECHECK);
  t.is(diagnostics.status, 'vulnerable');
});

/** Inputs of 10,000 characters that a backtracking grammar would take for ever to refuse. */
const N = 10_000;
const HEX = 'a'.repeat(64);
const ADVERSARIAL = [
  `${'a'.repeat(N)}!`,
  `${'a-'.repeat(N / 2)}!`,
  `${'a.'.repeat(N / 2)}!`,
  `${'a__'.repeat(N / 3)}!`,
  `${'a/'.repeat(N / 2)}!`,
  `up.example/${'a'.repeat(N)}!@sha256:${HEX}`,
  `${'a'.repeat(N)}:${'1'.repeat(N)}!`,
  `${'a.'.repeat(N / 2)}:${'1'.repeat(N)}/x!`,
  `up.example/x:${'t'.repeat(N)}`,
  `up.example/x@sha256:${'f'.repeat(N)}!`,
];

test('10,000-character adversarial references are refused in linear time', (t) => {
  for (const input of ADVERSARIAL) {
    const started = process.hrtime.bigint();
    t.throws(() => parseNormalizedReference(input), undefined, input.slice(0, 40));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // Exponential work never ends; linear work on 10 k characters is well under a millisecond.
    t.true(ms < 1_000, `${input.slice(0, 30)}…: ${ms.toFixed(1)} ms`);
  }
});

test('10,000-character adversarial mirror paths are refused at once', (t) => {
  for (const input of ADVERSARIAL) {
    const started = process.hrtime.bigint();
    t.is(parseMirrorPath(`${input}@sha256=${HEX}/signature-1`), undefined);
    t.true(Number(process.hrtime.bigint() - started) / 1e6 < 1_000);
  }
});

test('the separator rewrite accepts exactly the names containers/image accepts', (t) => {
  for (const name of ['a', 'a-b', 'a--b', 'a_b', 'a__b', 'a.b', 'a0-1.b_c__d---e', 'ab/cd-ef/g.h']) {
    t.is(parseNormalizedReference(`example.com/${name}`).path, name);
  }
  for (const name of ['a-', '-a', 'a___b', 'a..b', 'a._b', 'a_', '.a', 'a//b', 'A']) {
    t.throws(() => parseNormalizedReference(`example.com/${name}`), undefined, name);
  }
});
