/** Recent imports and failures, as tables. */
import type { RecentJobsView } from '../status-snapshot.js';
import { html, type Html } from './escape.js';
import { orDash, referenceLink, tableHead, time } from './format.js';

/** The newest finished imports and failures: the console overview and the admin dashboard show them alike. */
export function recentJobs(status: RecentJobsView): Html {
  const imports = status.recentImports.map(
    (i) =>
      html`<tr>
        <td>${referenceLink(i.reference)}</td>
        <td>${time(i.finishedAt)}</td>
        <td class="num">${i.added}</td>
      </tr>`,
  );
  const failures = status.recentFailures.map(
    (f) =>
      html`<tr>
        <td>${referenceLink(f.reference)}</td>
        <td>${time(f.failedAt)}</td>
        <td class="error">${orDash(f.error)}</td>
      </tr>`,
  );
  const empty = (cols: number, text: string) =>
    html`<tr>
      <td colspan="${cols}" class="empty">${text}</td>
    </tr>`;
  return html`<section aria-labelledby="imports-h">
      <h2 id="imports-h">Recent imports</h2>
      <table id="recent-imports">
        ${tableHead(['image', 'finished', { num: 'signatures added' }])}
        <tbody>
          ${imports.length ? imports : empty(3, 'none yet')}
        </tbody>
      </table>
    </section>
    <section aria-labelledby="failures-h">
      <h2 id="failures-h">Recent import failures</h2>
      <table id="recent-failures">
        ${tableHead(['image', 'failed', 'error'])}
        <tbody>
          ${failures.length ? failures : empty(3, 'none')}
        </tbody>
      </table>
    </section>`;
}
