import test from 'ava';
import { bypassesProxy, parseNoProxy, proxyFor, proxySettings } from '../../../src/fetch/index.js';

const direct = (noProxy: string, host: string, port = 443) =>
  bypassesProxy(parseNoProxy(noProxy), host, port);

test('`*` alone bypasses every host; inside a list it is no wildcard', (t) => {
  t.true(direct('*', 'anything.example'));
  t.false(direct('*,other.example', 'anything.example'));
  t.false(direct('', 'anything.example'));
});

test('names match themselves and subdomains on a label boundary, with or without a leading dot', (t) => {
  for (const entry of ['example.com', '.example.com', '*.example.com', 'EXAMPLE.com.']) {
    t.true(direct(entry, 'example.com'), entry);
    t.true(direct(entry, 'sigs.example.com'), entry);
    t.true(direct(entry, 'a.b.Example.COM.'), entry);
    t.false(direct(entry, 'badexample.com'), entry);
    t.false(direct(entry, 'example.com.evil'), entry);
  }
});

test('host:port only on that port', (t) => {
  t.true(direct('sigs.corp:8443', 'sigs.corp', 8443));
  t.false(direct('sigs.corp:8443', 'sigs.corp', 443));
  t.true(direct('[::1]:8443', '[::1]', 8443));
  t.false(direct('[::1]:8443', '[::1]', 443));
});

test('IPv4 and IPv6 addresses and CIDR ranges match literal addresses only', (t) => {
  const rules = '10.0.0.0/8 192.168.1.5, fd00::/8,[2001:db8::]/32 ::1';
  t.true(direct(rules, '10.200.0.1'));
  t.false(direct(rules, '11.0.0.1'));
  t.true(direct(rules, '192.168.1.5'));
  t.false(direct(rules, '192.168.1.6'));
  t.true(direct(rules, '[fd12::1]'));
  t.false(direct(rules, '[fe80::1]'));
  t.true(direct(rules, '[2001:db8:1::5]'));
  t.true(direct(rules, '[::1]'));
  t.false(direct(rules, 'ten.example'), 'names are not resolved');
  t.true(direct('127.0.0.1/32', '127.0.0.1'));
});

test('meaningless entries are dropped, not matched', (t) => {
  t.deepEqual(parseNoProxy(' , ,10.0.0.0/33,host:notaport,a.example/8'), []);
});

test('import.proxy wins over the environment as a whole; lowercase variables win over uppercase', (t) => {
  const env = {
    HTTPS_PROXY: 'http://upper:3128',
    https_proxy: 'http://lower:3128',
    HTTP_PROXY: 'http://plain:3128',
    NO_PROXY: '.corp',
  };
  const fromEnv = proxySettings(undefined, env);
  t.is(fromEnv.source, 'environment');
  t.is(proxyFor(fromEnv, new URL('https://sigs.example/x')), 'http://lower:3128');
  t.is(proxyFor(fromEnv, new URL('http://sigs.example/x')), 'http://plain:3128');
  t.is(proxyFor(fromEnv, new URL('https://a.corp/x')), undefined);
  const fromConfig = proxySettings({ https: 'http://cfg:3128' }, env);
  t.is(fromConfig.source, 'config');
  t.is(proxyFor(fromConfig, new URL('https://a.corp/x')), 'http://cfg:3128', 'the env NO_PROXY is not read');
  t.is(proxyFor(fromConfig, new URL('http://sigs.example/x')), undefined, 'nor its HTTP_PROXY');
  t.is(proxySettings(undefined, {}).source, 'none');
  t.is(proxyFor(fromEnv, new URL('https://sigs.example:8443/x')), 'http://lower:3128');
});

test('no value, or `*` with blanks around it', (t) => {
  t.deepEqual(parseNoProxy(undefined), []);
  t.deepEqual(parseNoProxy(' *, '), [{ kind: 'all' }]);
  t.true(direct('FD00::/8', '[fd00::1]'), 'addresses in any case');
});

test('an address host matches addresses only, never a name suffix', (t) => {
  t.false(direct('0.0.1', '10.0.0.1'), '"0.0.1" is a name, not a range');
  t.false(direct('0.0.1', '[::ffff:0.0.1]'));
});

test('ports and prefixes must be whole: junk around them drops the entry', (t) => {
  for (const entry of ['example.com:80x', 'example.com:x80', '[fd00::1]:80x', 'x[fd00::1]:80'])
    t.deepEqual(
      parseNoProxy(entry).filter((r) => r.kind !== 'name' || r.port !== undefined),
      [],
      entry,
    );
  t.false(direct('x[fd00::1]', '[fd00::1]'));
  t.false(direct('[fd00::1]x', '[fd00::1]'));
  for (const entry of ['10.0.0.0/-1', '10.0.0.0/abc', '10.0.0.0/8.5'])
    t.deepEqual(parseNoProxy(entry), [], entry);
  t.true(direct('0.0.0.0/0', '8.8.8.8'), 'a /0 prefix is every IPv4 address');
});

test('proxyFor: the scheme picks the proxy; NO_PROXY ports default to the scheme', (t) => {
  const only = proxySettings(undefined, { HTTP_PROXY: 'http://proxy:3128' });
  t.is(only.source, 'environment', 'HTTP_PROXY alone is a proxy from the environment');
  const settings = proxySettings({
    https: 'http://tls-proxy:3128',
    http: 'http://plain-proxy:3128',
    noProxy: 'a.example:80,b.example:443',
  });
  t.is(proxyFor(settings, new URL('http://c.example/s')), 'http://plain-proxy:3128');
  t.is(proxyFor(settings, new URL('https://c.example/s')), 'http://tls-proxy:3128');
  t.is(proxyFor(settings, new URL('ftp://c.example/s')), undefined);
  t.is(proxyFor(settings, new URL('http://a.example/s')), undefined, 'http without a port is port 80');
  t.is(proxyFor(settings, new URL('https://a.example/s')), 'http://tls-proxy:3128');
  t.is(proxyFor(settings, new URL('https://b.example/s')), undefined, 'https without a port is port 443');
  t.is(proxyFor(settings, new URL('http://b.example/s')), 'http://plain-proxy:3128');
  t.is(proxyFor(settings, new URL('http://b.example:443/s')), undefined);
});
