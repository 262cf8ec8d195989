/** Reads a request body up to a limit (413 beyond it), without a body-parser dependency. */
import type { Context } from 'koa';
import { ApiError } from './errors.js';

export async function readBody(ctx: Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 0);
  // The unread body makes the connection unusable: tell the client not to reuse it.
  const tooLarge = () =>
    new ApiError('SIZE_INVALID', `request body larger than ${limit} bytes`, undefined, {
      Connection: 'close',
    });
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      ctx.req.pause();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body or throws `code` with the reason. */
export function parseJson(body: Buffer, code: 'SIGNATURE_INVALID' | 'BAD_REQUEST'): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ApiError(code, `body is not valid JSON: ${(err as Error).message}`, 'body is not valid JSON');
  }
}
