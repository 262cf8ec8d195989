/**
 * `/console/images`: the listing of `GET /v1/images`, filtered by status, registry and repository
 * prefix, one page at a time (cursor paging: "next" and back to the first page, no offsets).
 */
import { ApiError } from '../errors.js';
import { IMAGE_STATUSES, type ImagePage, type ImageStatus } from '../../store/index.js';
import type { ConsoleImageQuery } from './data.js';
import { html, imageHref, orDash, page, statusBadge, tableHead, time } from '../webui/index.js';
import type { Html, PageContext } from '../webui/index.js';

/** The bounds GET /v1/images enforces: rows per page, name and cursor lengths. */
const MAX_LIMIT = 1000;
const MAX_NAME = 255;
const MAX_CURSOR = 600;

type Query = Readonly<Record<string, string | string[] | undefined>>;

/** One query parameter: absent or empty is undefined; repeated or too long is an error. */
function single(query: Query, name: string, max = MAX_NAME): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new ApiError('BAD_REQUEST', `"${name}" given more than once`);
  if (value !== undefined && value.length > max)
    throw new ApiError('BAD_REQUEST', `"${name}" is longer than ${max} characters`);
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The page's query string as the listing's query; throws BAD_REQUEST naming what is wrong. */
export function parseImagesQuery(query: Query): ConsoleImageQuery {
  const status = single(query, 'status');
  if (status !== undefined && !IMAGE_STATUSES.includes(status as ImageStatus))
    throw new ApiError('BAD_REQUEST', `status must be one of ${IMAGE_STATUSES.join(', ')}`);
  const limitText = single(query, 'limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && !(/^[0-9]+$/.test(limitText!) && limit >= 1 && limit <= MAX_LIMIT))
    throw new ApiError('BAD_REQUEST', `limit must be an integer from 1 to ${MAX_LIMIT}`);
  return {
    status: status as ImageStatus | undefined,
    registry: single(query, 'registry'),
    repository: single(query, 'repository'),
    limit,
    cursor: single(query, 'cursor', MAX_CURSOR),
  };
}

/** `/console/images?…` for these filters (and cursor); empty ones left out. */
export function imagesHref(query: ConsoleImageQuery): string {
  const params = new URLSearchParams();
  for (const name of ['status', 'registry', 'repository', 'limit', 'cursor'] as const) {
    const value = query[name];
    if (value !== undefined) params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `/console/images?${search}` : '/console/images';
}

function filters(query: ConsoleImageQuery): Html {
  const option = (value: string, label: string) => {
    const selected = (query.status ?? '') === value ? html`selected` : '';
    return html`<option value="${value}" ${selected}>${label}</option>`;
  };
  const limit =
    query.limit !== undefined ? html`<input type="hidden" name="limit" value="${query.limit}" />` : '';
  return html`<form id="filters" class="filters" method="get" action="/console/images">
    <div class="field">
      <label for="filter-status">status</label>
      <select name="status" id="filter-status">
        ${option('', 'any')} ${IMAGE_STATUSES.map((s) => option(s, s))}
      </select>
    </div>
    <div class="field">
      <label for="filter-registry">registry</label>
      <input name="registry" id="filter-registry" value="${query.registry ?? ''}" />
    </div>
    <div class="field">
      <label for="filter-repository">repository prefix</label>
      <input name="repository" id="filter-repository" value="${query.repository ?? ''}" />
    </div>
    ${limit}
    <button type="submit">Filter</button>
  </form>`;
}

function rows(result: ImagePage): Html {
  if (result.items.length === 0)
    return html`<tr>
      <td colspan="6" class="empty">no images match</td>
    </tr>`;
  return html`${result.items.map(
    (item) =>
      html`<tr data-reference="${item.reference}">
        <td>
          <a href="${imageHref(item)}"><code>${item.reference}</code></a>
        </td>
        <td>${statusBadge(item.status)}</td>
        <td class="num">${item.signatures}</td>
        <td>${time(item.lastImportAt)}</td>
        <td>${time(item.lastVerifiedAt)}</td>
        <td class="url">${orDash(item.source)}</td>
      </tr>`,
  )}`;
}

function paging(query: ConsoleImageQuery, result: ImagePage): Html {
  const first = query.cursor
    ? html`<a id="page-first" href="${imagesHref({ ...query, cursor: undefined })}">First page</a>`
    : '';
  const next = result.next
    ? html`<a id="page-next" href="${imagesHref({ ...query, cursor: result.next })}">Next page</a>`
    : '';
  return html`<nav class="paging" aria-label="pages">${first} ${next}</nav>`;
}

export function imagesPage(ctx: PageContext, query: ConsoleImageQuery, result: ImagePage): string {
  const body = html`<h1>Images</h1>
    ${filters(query)}
    <table id="images">
      ${tableHead(['image', 'status', { num: 'signatures' }, 'last import', 'last verified', 'source'])}
      <tbody>
        ${rows(result)}
      </tbody>
    </table>
    ${paging(query, result)}`;
  return page(ctx, 'Images', 'images', body);
}
