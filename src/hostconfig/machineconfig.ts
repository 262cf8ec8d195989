/**
 * host-config for OpenShift nodes: the same files, carried by MachineConfig manifests the Machine
 * Config Operator writes to every node of a pool (`oc apply -f`), instead of copying them by hand.
 * Ignition 3.2 `storage.files`: the content as a base64 `data:` URL, mode 0644 (420), overwrite.
 * Shape as in openshift/machine-config-operator's MachineConfig (machineconfiguration.openshift.io/v1)
 * and Red Hat's signature-verification examples. Pure and byte-stable.
 * Keep in sync with docs/host-setup.md §OpenShift nodes.
 */
import { stringify } from 'yaml';
import { HostConfigError } from './errors.js';

/** Machine config pools of every cluster. */
export const MACHINE_CONFIG_ROLES = ['master', 'worker'] as const;
export type MachineConfigRole = (typeof MACHINE_CONFIG_ROLES)[number];

/** The Ignition spec the MachineConfigs use (accepted by every MCO since OpenShift 4.6). */
export const IGNITION_VERSION = '3.2.0';
/** 0644: hosts' containers tools read these files; nobody but root writes them. */
const FILE_MODE = 0o644;
/** Where host-config's files live on a node. */
const CONTAINERS_DIR = '/etc/containers';

/** One generated file, named relative to /etc/containers (HOST_CONFIG_FILES). */
export interface NodeFile {
  readonly name: string;
  readonly content: string;
}

/** The MachineConfig's name: after the MCO's own `99-<role>-generated-registries`, so it wins. */
export function machineConfigName(role: MachineConfigRole): string {
  return `99-${role}-sigmirror-signatures`;
}

/** The MachineConfig object writing `files` under /etc/containers on the nodes of `role`. */
export function machineConfig(role: MachineConfigRole, files: readonly NodeFile[]): Record<string, unknown> {
  if (!MACHINE_CONFIG_ROLES.includes(role))
    throw new HostConfigError(`--role "${String(role)}": one of ${MACHINE_CONFIG_ROLES.join(', ')}`);
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfig',
    metadata: {
      name: machineConfigName(role),
      labels: { 'machineconfiguration.openshift.io/role': role },
    },
    spec: {
      config: {
        ignition: { version: IGNITION_VERSION },
        storage: {
          files: files.map((f) => ({
            path: `${CONTAINERS_DIR}/${f.name}`,
            mode: FILE_MODE,
            overwrite: true,
            contents: {
              source: `data:text/plain;charset=utf-8;base64,${Buffer.from(f.content).toString('base64')}`,
            },
          })),
        },
      },
    },
  };
}

/** The manifest as YAML (1.1 quoting, as kubectl reads it; no folded lines). */
export function machineConfigYaml(role: MachineConfigRole, files: readonly NodeFile[]): string {
  return stringify(machineConfig(role, files), { version: '1.1', lineWidth: 0 });
}
