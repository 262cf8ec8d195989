export { hostConfig, HOST_CONFIG_FILES, type HostConfig, type HostConfigOptions } from './generate.js';
export { HostConfigError } from './errors.js';
export { embeddedKeyring, isArmoredKey, publicKeyProblem, type KeyFile, type PolicyKeys } from './keys.js';
export { MIRROR_ROUTE, mirrorBase } from './mirror-url.js';
export { parseScope, lookasideSuffix, type Scope } from './scopes.js';
export {
  machineConfig,
  machineConfigName,
  machineConfigYaml,
  MACHINE_CONFIG_ROLES,
  IGNITION_VERSION,
  type MachineConfigRole,
  type NodeFile,
} from './machineconfig.js';
