export {
  EVENTS_MEDIA_TYPE,
  MANIFEST_MEDIA_TYPES,
  envelopeSchema,
  manifestPushes,
  type ManifestPush,
} from './events.js';
