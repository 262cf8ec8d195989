/** `/console`: images per status, the daemon's configuration state, recent imports and failures. */
import { IMAGE_STATUSES } from '../../store/index.js';
import type { ConsoleStatus, ConsoleSummary } from './data.js';
import { html, page, recentJobs, statusBadge, time } from '../webui/index.js';
import type { Html, PageContext } from '../webui/index.js';

function counts(summary: ConsoleSummary): Html {
  const tiles = IMAGE_STATUSES.map(
    (status) =>
      html`<a class="tile" href="/console/images?status=${status}" id="count-${status}">
        <span class="count">${summary.counts[status]}</span> ${statusBadge(status)}
      </a>`,
  );
  return html`<section aria-labelledby="counts-h">
    <h2 id="counts-h">Images</h2>
    <div class="tiles">
      ${tiles}
      <a class="tile" href="/console/images" id="count-total"
        ><span class="count">${summary.total}</span> <span class="badge">total</span></a
      >
    </div>
  </section>`;
}

function configState(status: ConsoleStatus): Html {
  const { registries } = status;
  const lastError = registries.lastError
    ? html`<span class="error">${registries.lastError.errors.join('; ')}</span> (${time(
          registries.lastError.at,
        )};
        the last good configuration stays in force)`
    : html`none`;
  return html`<section aria-labelledby="config-h">
    <h2 id="config-h">Configuration</h2>
    <dl class="facts">
      <dt>registries.d loaded</dt>
      <dd>${time(registries.loadedAt)} (${registries.files} ${registries.files === 1 ? 'file' : 'files'})</dd>
      <dt>last registries.d error</dt>
      <dd id="registries-error">${lastError}</dd>
      <dt>import queue</dt>
      <dd>${status.queueDepth} waiting</dd>
      <dt>verification keys</dt>
      <dd>${status.verifyKeys.length ? status.verifyKeys.join(', ') : 'none configured (verify.keys)'}</dd>
    </dl>
  </section>`;
}

export function overviewPage(ctx: PageContext, summary: ConsoleSummary, status: ConsoleStatus): string {
  return page(
    ctx,
    'Overview',
    'overview',
    html`<h1>Overview</h1>
      ${counts(summary)} ${configState(status)} ${recentJobs(status)}`,
  );
}
