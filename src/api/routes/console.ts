/**
 * The web console: the console's pages on the web UI's CONSOLE_UI mount (`/console`, reader role
 * by the cookie the UI's script sets at `/console/login`; no token with auth.anonymousRead). Pages
 * read through ConsoleData, the same implementations as the /v1 routes; the action buttons call
 * the /v1 API from the browser with the user's token. See docs/console.md.
 */
import Router from '@koa/router';
import type { AuthDeps } from '../auth.js';
import { imagePage, imagesPage, overviewPage, parseImagesQuery, type ConsoleData } from '../console/index.js';
import { ApiError } from '../errors.js';
import { checkedImage } from '../paths.js';
import { imageReference } from '../../reference/index.js';
import { CONSOLE_UI, mountWebUi } from '../webui/index.js';

/** `/console/images/<registry>/<repository>@<digest>`, components percent-encoded or not. */
const IMAGE_PATH = /^\/console\/images\/([^/]+)\/(.+)@([^/@]+)$/;

export interface ConsoleDeps {
  readonly auth: AuthDeps;
  readonly data: ConsoleData;
}

export function consoleRoutes(deps: ConsoleDeps): Router {
  const { data } = deps;
  return mountWebUi(new Router(), CONSOLE_UI, deps.auth, [
    {
      path: '/console',
      render: async (_ctx, page) => {
        const [summary, status] = await Promise.all([data.summary(), data.status()]);
        return overviewPage(page, summary, status);
      },
    },
    {
      path: '/console/images',
      render: async (ctx, page) => {
        const query = parseImagesQuery(ctx.query);
        return imagesPage(page, query, await data.listImages(query));
      },
    },
    {
      path: IMAGE_PATH,
      render: async (ctx, page) => {
        const key = imageKeyOf(ctx.path);
        const [image, status] = await Promise.all([data.image(key), data.status()]);
        if (!image) throw new ApiError('NOT_FOUND', `no image ${imageReference(key)} is stored`);
        return imagePage(page, image, status.verifyKeys);
      },
    },
  ]);
}

/** The image of a page path, decoded and validated as the API validates it (400 otherwise). */
function imageKeyOf(path: string) {
  const m = IMAGE_PATH.exec(path);
  if (!m) throw new ApiError('NOT_FOUND');
  let parts: string[];
  try {
    parts = m.slice(1, 4).map((p) => decodeURIComponent(p));
  } catch {
    throw new ApiError('NAME_INVALID', 'invalid percent-encoding in the image path');
  }
  const [registry, repository, digest] = parts as [string, string, string];
  return checkedImage({ registry, repository, digest });
}
