/**
 * The caps every part of the daemon shares, each with its reason, in one place
 * (containers/image internal/iolimits). Config defaults and maxima come from here.
 * Keep in sync with docs/spec/lookaside.md §Reading and docs/api.md §Limits.
 */

/**
 * Most signatures one image may have, imported or uploaded alike. skopeo 1.9.3 (containers/image
 * 5.23) reads any number, but newer containers/image (`maxLookasideSignatures = 128`) fails the
 * whole pull once it has read 128 and is about to ask for the 129th: 127 keeps every host working.
 */
export const MAX_SIGNATURES_PER_IMAGE = 127;
/** containers/image reads at most 4 MiB per signature (iolimits.MaxSignatureBodySize). */
export const MAX_SIGNATURE_BYTES = 4 * 1024 * 1024;
/** Highest `signature-N` index any path may name: the per-image cap, with room for none beyond. */
export const MAX_SIGNATURE_INDEX = MAX_SIGNATURES_PER_IMAGE;
/** Events handled from one registry notification; distribution sends a few per envelope. */
export const MAX_NOTIFICATION_EVENTS = 1_000;
/** References per `POST /v1/imports`; larger lists go through `sigmirror import --from-file`. */
export const MAX_IMPORT_REFERENCES = 1_000;
