/** The TypeScript types of the API's response bodies, from their zod schemas (response-schemas.ts). */
import type { z } from 'zod';
import type {
  errorsBody,
  healthBody,
  imageCounts,
  imagePage,
  importJobs,
  queuedBody,
  signatureList,
  verificationBody,
} from './response-schemas.js';

/** What a route may hand over: the schema's output, arrays and fields read-only. */
type Body<T> = T extends readonly (infer U)[]
  ? readonly Body<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Body<T[K]> }
    : T;

export type ErrorsBody = Body<z.output<typeof errorsBody>>;
export type HealthBody = Body<z.output<typeof healthBody>>;
export type ImageCountsBody = Body<z.output<typeof imageCounts>>;
export type ImagePageBody = Body<z.output<typeof imagePage>>;
export type ImportJobsBody = Body<z.output<typeof importJobs>>;
export type QueuedBody = Body<z.output<typeof queuedBody>>;
export type SignatureListBody = Body<z.output<typeof signatureList>>;
export type VerificationBody = Body<z.output<typeof verificationBody>>;
