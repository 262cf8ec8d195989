import test from 'ava';
import { parse } from 'yaml';
import { machineConfig, machineConfigYaml } from '../../../src/hostconfig/index.js';
import { decodeDataUrl, machineConfigShape } from '../../helpers/kube-shapes.js';

const FILES = [
  {
    name: 'registries.d/sigmirror.yaml',
    content: 'docker:\n  quay.io:\n    lookaside: http://m/sigstore/quay.io\n',
  },
  { name: 'policy.json', content: '{\n  "default": [{"type": "reject"}]\n}\n' },
];

test('a MachineConfig per pool: Ignition 3.2 files under /etc/containers, data: URLs, 0644, overwrite', (t) => {
  for (const role of ['master', 'worker'] as const) {
    const object = machineConfigShape.parse(machineConfig(role, FILES));
    t.is(object.metadata.name, `99-${role}-sigmirror-signatures`);
    t.deepEqual(object.metadata.labels, { 'machineconfiguration.openshift.io/role': role });
    const files = object.spec.config.storage.files;
    t.deepEqual(
      files.map((f) => [f.path, decodeDataUrl(f.contents.source).toString()]),
      FILES.map((f) => [`/etc/containers/${f.name}`, f.content]),
    );
    t.deepEqual(parse(machineConfigYaml(role, FILES), { version: '1.1' }), object);
  }
  t.regex(machineConfigYaml('worker', FILES), /^ {10}mode: 420$/m);
});

test('only master and worker pools', (t) => {
  t.throws(() => machineConfig('infra' as 'worker', FILES), {
    message: '--role "infra": one of master, worker',
  });
});
