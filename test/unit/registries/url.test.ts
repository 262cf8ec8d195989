/**
 * registries.d URL checks (src/registries/url.ts) against Go's net/url.Parse messages, and the
 * problem helpers (src/registries/problems.ts): `file:line:` formatting and "did you mean".
 */
import test from 'ava';
import { closestKey, formatProblem } from '../../../src/registries/problems.js';
import { lookasideUrlProblem, urlParseError } from '../../../src/registries/url.js';

test('URLs Go parses', (t) => {
  for (const raw of [
    'https://sigstore.example.com/sigs',
    'http://user:pw@h.example:8080/x?q=1#f',
    'https://[::1]:8443/x',
    'https://h.example:/x',
    'file:///var/lib/containers/sigstore',
    'relative/path',
    '/absolute',
    'a%20b',
    'https:opaque',
    'https://h/x:y',
    "https://a-b.c_d~e!$&'()*+,;=%41/",
    'https://h?x=%2F',
    '',
  ])
    t.is(urlParseError(raw), undefined, raw);
});

test("URLs Go refuses, with Go's words", (t) => {
  const cases: Array<[string, string]> = [
    ['https://h/\x00', 'net/url: invalid control character in URL'],
    ['https://h/\x1f', 'net/url: invalid control character in URL'],
    ['https://h/\x7f', 'net/url: invalid control character in URL'],
    ['https://h/%zz', 'invalid URL escape "%zz"'],
    ['https://h/%4', 'invalid URL escape "%4"'],
    ['https://h/%', 'invalid URL escape "%"'],
    ['://h', 'missing protocol scheme'],
    [':x', 'missing protocol scheme'],
    ['_h:x/y', 'first path segment in URL cannot contain colon'],
    ['1http://h', 'first path segment in URL cannot contain colon'],
    ['https://h:80a/x', 'invalid port ":80a" after host'],
    ['https://u@h:x', 'invalid port ":x" after host'],
    ['https://h^x/', 'invalid character "^" in host name'],
    ['https://user@h x/', 'invalid character " " in host name'],
    ['https://h"/', 'invalid character """ in host name'],
  ];
  for (const [raw, message] of cases) t.is(urlParseError(raw), message, raw);
  // Spaces elsewhere than the host are Go's business too, but url.Parse accepts them in the path.
  t.is(urlParseError('https://h/a b'), undefined);
  // Only the authority (before the first / ? #) is checked as a host.
  t.is(urlParseError('https://h?x^y'), undefined);
  t.is(urlParseError('https://h#^'), undefined);
  t.is(urlParseError('https:h^x'), undefined);
});

test('lookaside problems: the parse error in containers/image form, or an unsupported scheme', (t) => {
  t.is(lookasideUrlProblem('https://h/x'), undefined);
  t.is(lookasideUrlProblem('HTTP://h/x'), undefined);
  t.is(lookasideUrlProblem('file:///x'), undefined);
  t.is(
    lookasideUrlProblem('https://h/%zz'),
    'Invalid signature storage URL https://h/%zz: parse "https://h/%zz": invalid URL escape "%zz"',
  );
  t.is(lookasideUrlProblem('ftp://h/x'), 'Unsupported scheme when reading signature from ftp://h/x');
  t.is(lookasideUrlProblem('/var/sigs'), 'Unsupported scheme when reading signature from /var/sigs');
  t.is(lookasideUrlProblem('httpsx://h'), 'Unsupported scheme when reading signature from httpsx://h');
});

test('problems print as file:line: message; the closest key within two edits', (t) => {
  t.is(formatProblem({ file: 'a.yaml', line: 3, message: 'bad' }), 'a.yaml:3: bad');
  t.is(formatProblem({ file: 'a.yaml', line: 0, message: 'bad' }), 'a.yaml:0: bad');
  t.is(formatProblem({ file: 'a.yaml', message: 'bad' }), 'a.yaml: bad');
  const known = ['lookaside', 'lookaside-staging', 'sigstore', 'use-sigstore-attachments'];
  t.is(closestKey('lookasid', known), 'lookaside');
  t.is(closestKey('LookAside', known), 'lookaside');
  t.is(closestKey('lokasid', known), 'lookaside');
  t.is(closestKey('lksid', known), undefined);
  t.is(closestKey('sigstor', known), 'sigstore');
  t.is(closestKey('sigstoer', known), 'sigstore');
  t.is(closestKey('xigstorx', known), 'sigstore');
  t.is(closestKey('lookaside-stagin', known), 'lookaside-staging');
  t.is(closestKey('', ['ab', 'abc']), 'ab');
  t.is(closestKey('abcd', ['abc', 'abcd']), 'abcd');
  t.is(closestKey('x', []), undefined);
});

test('closestKey: of two keys equally close, the first listed wins', (t) => {
  t.is(closestKey('ab', ['ax', 'ay']), 'ax');
  t.is(closestKey('ab', ['ay', 'ax']), 'ay');
});

test('a scheme without "//" has no host to check (an opaque URL, as Go parses it)', (t) => {
  t.is(urlParseError('https:x/a b'), undefined);
  t.is(lookasideUrlProblem('https:x/a b'), undefined);
  t.is(urlParseError('https://a b/c'), 'invalid character " " in host name');
});
