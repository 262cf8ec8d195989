/**
 * `/admin`: the daemon at a glance: this process, the registries.d and tokens state, store counts,
 * the queues' counts (each linking to its page), and the newest finished imports and failures.
 */
import { IMAGE_STATUSES } from '../../store/index.js';
import { html, recentJobs, statusBadge, tableHead, time, type Html } from '../webui/index.js';
import type { AdminStatus } from './data.js';
import { adminPage, queueHref, type AdminPageContext } from './layout.js';

/** `1d 2h 3m 4s`, largest unit first, zero units left out. */
export function duration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  let rest = Math.max(0, Math.floor(seconds));
  const parts: string[] = [];
  for (const [size, unit] of units) {
    if (rest >= size) parts.push(`${Math.floor(rest / size)}${unit}`);
    rest %= size;
  }
  return parts.join(' ') || '0s';
}

const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MiB`;

function processSection(p: AdminStatus['process']): Html {
  return html`<section class="card" aria-labelledby="process-h">
    <h2 id="process-h">Process</h2>
    <dl class="facts" id="process">
      <dt>version</dt>
      <dd id="process-version">sigmirror ${p.version} (Node.js ${p.node})</dd>
      <dt>pid</dt>
      <dd>${p.pid}</dd>
      <dt>started</dt>
      <dd>${time(p.startedAt)}</dd>
      <dt>uptime</dt>
      <dd id="process-uptime">${duration(p.uptimeSeconds)}</dd>
      <dt>memory</dt>
      <dd id="process-rss">${mib(p.rssBytes)} resident, ${mib(p.heapUsedBytes)} heap used</dd>
    </dl>
  </section>`;
}

function problems(items: readonly string[], cls: string): Html {
  return html`<ul class="${cls}">
    ${items.map((item) => html`<li><code>${item}</code></li>`)}
  </ul>`;
}

function configSection(status: AdminStatus): Html {
  const { registries: r, tokens: t } = status;
  const lastError = r.lastError
    ? html`${time(r.lastError.at)}, the last good configuration stays in force:
      ${problems(r.lastError.errors, 'error')}`
    : html`none`;
  const tokensFile = t.file ? html`<code>${t.file}</code>` : html`none configured: every token is refused`;
  return html`<section class="card" aria-labelledby="config-h">
    <h2 id="config-h">Configuration</h2>
    <dl class="facts">
      <dt>registries.d</dt>
      <dd><code>${r.dir}</code></dd>
      <dt>loaded</dt>
      <dd id="registries-loaded">${time(r.loadedAt)} (${r.files} ${r.files === 1 ? 'file' : 'files'})</dd>
      <dt>reloads</dt>
      <dd>${r.reloads} applied, ${r.failures} rejected</dd>
      <dt>last rejected edit</dt>
      <dd id="registries-error">${lastError}</dd>
      <dt>warnings</dt>
      <dd id="registries-warnings">${r.warnings.length ? problems(r.warnings, 'warn') : 'none'}</dd>
      <dt>tokens file</dt>
      <dd id="tokens-file">${tokensFile} (${t.count} ${t.count === 1 ? 'token' : 'tokens'})</dd>
      <dt>last rejected tokens edit</dt>
      <dd id="tokens-error">${t.lastError ? html`<span class="error">${t.lastError}</span>` : 'none'}</dd>
      <dt>anonymous reads</dt>
      <dd>${t.anonymousRead ? 'allowed (auth.anonymousRead)' : 'refused'}</dd>
    </dl>
  </section>`;
}

function storeSection(store: AdminStatus['store']): Html {
  const tiles = IMAGE_STATUSES.map(
    (s) =>
      html`<span class="tile" id="store-${s}"
        ><span class="count">${store.counts[s]}</span> ${statusBadge(s)}</span
      >`,
  );
  return html`<section aria-labelledby="store-h">
    <h2 id="store-h">Store (${store.backend})</h2>
    <div class="tiles">
      ${tiles}
      <span class="tile" id="store-total"
        ><span class="count">${store.total}</span> <span class="badge">images</span></span
      >
    </div>
  </section>`;
}

function queuesSection(status: AdminStatus): Html {
  const states = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;
  const rows = status.queues.map(
    (q) =>
      html`<tr id="queue-${q.name}">
        <td>
          <a href="${queueHref(q.name)}">${q.name}</a
          >${q.paused ? html` <span class="warn">paused</span>` : ''}
        </td>
        ${states.map((s) => html`<td class="num" data-state="${s}">${q.counts[s]}</td>`)}
      </tr>`,
  );
  return html`<section aria-labelledby="queues-h">
    <h2 id="queues-h">Queues</h2>
    <table id="queues">
      ${tableHead(['queue', ...states.map((num) => ({ num }))])}
      <tbody>
        ${rows}
      </tbody>
    </table>
  </section>`;
}

export function statusPage(ctx: AdminPageContext, status: AdminStatus): string {
  const body = html`<h1>Dashboard</h1>
    ${processSection(status.process)} ${configSection(status)} ${storeSection(status.store)}
    ${queuesSection(status)} ${recentJobs(status)}`;
  return adminPage(ctx, 'Dashboard', '/admin', body);
}
