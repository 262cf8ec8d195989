/** The import use case's failures, as workers/ sees them: retry or not, the host, an open circuit. */
import test from 'ava';
import { FetchError } from '../../../src/fetch/index.js';
import {
  ImportConfigError,
  ImportFailure,
  importFailureOf,
  NoConfigurationError,
  releaseImportOf,
} from '../../../src/import/index.js';
import { LayoutError } from '../../../src/lookaside/index.js';
import { ReferenceError } from '../../../src/reference/index.js';
import { releaseKey } from '../../../src/store/index.js';

const D = `sha256:${'e'.repeat(64)}`;

test('a retryable upstream error keeps its message, its host and the Retry-After it asked for', (t) => {
  const cause = new FetchError(
    'http-status',
    'HTTP 503 from up.example:8443',
    'https://up.example:8443/a@sha256=x/signature-1',
    true,
    503,
    7_000,
  );
  const failure = importFailureOf(cause);
  t.true(failure instanceof ImportFailure);
  t.is(failure.message, 'HTTP 503 from up.example:8443');
  t.true(failure.retryable);
  t.is(failure.host, 'up.example:8443');
  t.is(failure.retryAfterMs, 7_000);
  t.is(failure.offlineForMs, undefined);
  t.is(failure.cause, cause);
});

test('a non-retryable upstream error is final', (t) => {
  const failure = importFailureOf(
    new FetchError('too-large', 'signature-1 exceeds 4 MiB', 'http://h/x', false),
  );
  t.false(failure.retryable);
  t.is(failure.host, 'h');
});

test('an open circuit says how long to wait, and is not a Retry-After', (t) => {
  const failure = importFailureOf(
    new FetchError('host-offline', 'h is offline', 'http://h/x', true, undefined, 2_500),
  );
  t.is(failure.offlineForMs, 2_500);
  t.is(failure.retryAfterMs, undefined);
  t.is(
    importFailureOf(new FetchError('host-offline', 'h is offline', 'http://h/x', true)).offlineForMs,
    1_000,
  );
});

test('config, layout and reference errors are final; anything else is retried', (t) => {
  for (const err of [
    new ImportConfigError('no lookaside'),
    new LayoutError('invalid digest "x"'),
    new ReferenceError('bad'),
  ])
    t.false(importFailureOf(err).retryable, err.name);
  t.true(
    importFailureOf(new NoConfigurationError('no valid registries.d configuration is loaded yet')).retryable,
  );
  const unknown = importFailureOf(new Error('ECONNRESET from the store'));
  t.true(unknown.retryable);
  t.is(unknown.message, 'ECONNRESET from the store');
  t.is(unknown.host, undefined);
});

test('a release image of a configured repository brings its release key; nothing else does', (t) => {
  const image = { registry: 'quay.io', repository: 'openshift-release-dev/ocp-release', digest: D };
  t.deepEqual(releaseImportOf(image, ['quay.io/openshift-release-dev/ocp-release']), releaseKey(D));
  t.is(releaseImportOf(image, ['quay.io/other']), undefined);
  t.is(releaseImportOf(releaseKey(D), ['release-signatures/release']), undefined);
});
