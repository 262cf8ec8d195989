export { releaseDigestOf, ReleaseNameError } from './digest.js';
export {
  signatureConfigMap,
  renderManifests,
  manifestFileName,
  ConfigMapTooLargeError,
  SIGNATURES_LABEL,
  SIGNATURES_NAMESPACE,
  MAX_CONFIGMAP_DATA_BYTES,
  type SignatureConfigMap,
  type ManifestFormat,
} from './configmap.js';
export { storedConfigMap, listReleases } from './stored.js';
