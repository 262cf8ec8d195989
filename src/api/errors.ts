/**
 * One error catalogue and one renderer (distribution's errcode): the throw site picks a code;
 * the middleware renders `{errors:[{code,message,detail}]}`. 5xx are logged under `err` with
 * their message hidden from the client; 4xx are shown and not logged.
 */
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { ErrorsBody } from './response-types.js';

/** Every API error code with its HTTP status and default message. */
export const ERRORS = {
  NAME_INVALID: [400, 'invalid repository name'],
  DIGEST_INVALID: [400, 'invalid digest'],
  SIGNATURE_INVALID: [400, 'invalid signature'],
  BAD_REQUEST: [400, 'invalid request'],
  UNAUTHORIZED: [401, 'authentication required'],
  DENIED: [403, 'requested access to the resource is denied'],
  NOT_FOUND: [404, 'not found'],
  METHOD_NOT_ALLOWED: [405, 'method not allowed'],
  REQUEST_TIMEOUT: [408, 'request timeout'],
  SIGNATURE_EXISTS: [409, 'signature already exists'],
  SIGNATURE_LIMIT: [409, 'the image has the most signatures allowed'],
  SIZE_INVALID: [413, 'request body too large'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'unsupported media type'],
  HEADERS_TOO_LARGE: [431, 'request header fields too large'],
  UNAVAILABLE: [503, 'service unavailable'],
  INTERNAL: [500, 'internal server error'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERRORS;

/** An error the API renders with its code; `detail` is shown to the client. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly detail?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message ?? ERRORS[code][1]);
    this.status = ERRORS[code][0];
  }
}

/** Renders every error as distribution's envelope. */
export function errorRenderer(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // Nothing answered (and no router objected to the method): a real 404 in the envelope.
      if (ctx.status === 404 && ctx.body === undefined) throw new ApiError('NOT_FOUND');
    } catch (err) {
      const apiError = toApiError(err);
      // An unexpected failure is logged once with its stack; expected ones (4xx, 503) are not.
      if (apiError.code === 'INTERNAL') logger.error({ err, reqId: ctx.state.reqId }, 'request failed');
      ctx.status = apiError.status;
      ctx.set(apiError.headers);
      if (apiError.status >= 500) ctx.set('Cache-Control', 'no-store');
      const shown =
        apiError.status >= 500 && apiError.code === 'INTERNAL' ? ERRORS.INTERNAL[1] : apiError.message;
      const entry = {
        code: apiError.code,
        message: shown,
        ...(apiError.detail !== undefined && { detail: apiError.detail }),
      };
      ctx.body = { errors: [entry] } satisfies ErrorsBody;
    }
  };
}

/** Koa's own errors (e.g. from body parsing) carry a status; anything else is internal. */
function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const status = (err as { status?: number }).status;
  if (status === 413) return new ApiError('SIZE_INVALID');
  if (status === 405) return new ApiError('METHOD_NOT_ALLOWED');
  if (status !== undefined && status >= 400 && status < 500)
    return new ApiError('BAD_REQUEST', (err as Error).message);
  return new ApiError('INTERNAL', (err as Error)?.message);
}
