/**
 * policy.json's strict JSON reader (src/policy/json-document.ts): the line of every key and array
 * element (through strings with escapes, nested values, odd whitespace), duplicate keys at any
 * depth, the nesting cap, and the printed form of a path.
 */
import test from 'ava';
import { formatJsonPath, MAX_POLICY_DEPTH, parseJsonDocument } from '../../../src/policy/json-document.js';

const error = (text: string) => {
  try {
    parseJsonDocument(text);
  } catch (err) {
    const e = err as Error & { path?: unknown; line?: number; detail?: string };
    return { name: e.name, message: e.message, path: e.path, line: e.line };
  }
  return undefined;
};

test('each key and array element has its 1-based line; a missing step falls back to its parent', (t) => {
  const text = [
    '{',
    '  "a": {"x": "s\\"tr\\\\", "y": [1,',
    '\t\t2, {"z": null}],',
    '\r',
    '    "w": true},',
    '  "b" : [ ],',
    '  "c":',
    '  -1.5e3',
    '}',
  ].join('\n');
  const doc = parseJsonDocument(text);
  t.deepEqual(doc.value, { a: { x: 's"tr\\', y: [1, 2, { z: null }], w: true }, b: [], c: -1500 });
  const lines = [
    [['a'], 2],
    [['a', 'x'], 2],
    [['a', 'y'], 2],
    [['a', 'y', 0], 2],
    [['a', 'y', 1], 3],
    [['a', 'y', 2], 3],
    [['a', 'y', 2, 'z'], 3],
    [['a', 'w'], 5],
    [['b'], 6],
    [['c'], 7],
    [['a', 'y', 2, 'nothing', 'deeper'], 3],
    [['b', 0], 6],
    [['none'], undefined],
    [[], undefined],
  ] as const;
  for (const [path, line] of lines) t.is(doc.lineOf(path), line, JSON.stringify(path));
});

test('a value at the top level, and strings holding brackets, commas and quotes', (t) => {
  t.is(parseJsonDocument(' 5 ').value, 5);
  t.is(parseJsonDocument('"x"').lineOf(['x']), undefined);
  const doc = parseJsonDocument('{"k,}]": "v,}]\\"",\n"l": {"m":\n"{"}}');
  t.is(doc.lineOf(['k,}]']), 1);
  t.is(doc.lineOf(['l']), 2);
  t.is(doc.lineOf(['l', 'm']), 2);
  t.deepEqual(parseJsonDocument('[[],\n[0]]').lineOf([1, 0]), 2);
});

test('duplicate keys are refused with their path and line, at any depth', (t) => {
  t.deepEqual(error('{"a": 1,\n "a": 2}'), {
    name: 'JsonDocumentError',
    message: 'duplicate key "a"',
    path: ['a'],
    line: 2,
  });
  t.deepEqual(error('{"x": [{"b": 1},\n{"b": 1, "c": {},\n\n "c": 3}]}'), {
    name: 'JsonDocumentError',
    message: 'duplicate key "c"',
    path: ['x', 1, 'c'],
    line: 4,
  });
  // The same key in sibling objects is no duplicate; "\u0061" is "a".
  t.truthy(parseJsonDocument('[{"a": 1}, {"a": 2}]'));
  t.like(error('{"a": 1, "\\u0061": 2}'), { message: 'duplicate key "a"' });
});

test('syntax errors and nesting deeper than 32 levels', (t) => {
  t.like(error('{"a": }'), { name: 'JsonDocumentError', path: [], line: undefined });
  t.regex(error('{"a": }')!.message, /^invalid JSON: Unexpected token '}'/);
  const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
  t.truthy(parseJsonDocument(nested(MAX_POLICY_DEPTH + 1)));
  t.like(error(`\n${nested(MAX_POLICY_DEPTH + 2)}`), {
    message: 'nested deeper than 32 levels',
    line: 2,
    path: Array.from({ length: 33 }, () => 0),
  });
  t.like(error(`{"a":${nested(MAX_POLICY_DEPTH + 1)}}`), { message: 'nested deeper than 32 levels' });
});

test('paths print as policy authors read them', (t) => {
  t.is(formatJsonPath([]), '(top level)');
  t.is(
    formatJsonPath(['transports', 'docker', 'reg.example.com/ns', 0, 'keyPath']),
    'transports.docker["reg.example.com/ns"][0].keyPath',
  );
  t.is(formatJsonPath([0, 'a']), '[0].a');
  t.is(formatJsonPath(['$x', '_y1', '1z', 'a-b', '']), '$x._y1["1z"]["a-b"][""]');
  t.is(formatJsonPath(['a b']), '["a b"]');
});
