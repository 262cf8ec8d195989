/**
 * `/admin/queues/<name>`: a queue's job counts per state and, per state, its newest jobs with
 * their image, attempts, times and failure reason; failed jobs can be retried, jobs no worker
 * holds removed (the UI script calls /v1/admin with the token, then reloads).
 * WARNING: a job's failedReason quotes upstream answers and config text: escaped like the rest.
 */
import { JOB_STATES, type JobState, type JobSummary } from '../../queue/index.js';
import { html, orDash, referenceLink, tableHead, time, type Html } from '../webui/index.js';
import type { QueueView } from './data.js';
import { adminPage, queueHref, type AdminPageContext } from './layout.js';

function counts(view: QueueView): Html {
  const tiles = JOB_STATES.map(
    (state) =>
      html`<a class="tile" href="#jobs-${state}" id="count-${state}">
        <span class="count">${view.counts[state]}</span> <span class="badge">${state}</span>
      </a>`,
  );
  return html`<div class="tiles">${tiles}</div>`;
}

function actions(view: QueueView, job: JobSummary): Html {
  const data = (action: string) =>
    html`data-action="${action}" data-queue="${view.name}" data-job="${job.id}"`;
  const retry = job.state === 'failed' ? html`<button type="button" ${data('retry')}>Retry</button>` : '';
  const remove =
    job.state !== 'active' && !job.scheduled
      ? html`<button type="button" ${data('remove')}>Remove</button>`
      : '';
  return html`${retry} ${remove}`;
}

function row(view: QueueView, job: JobSummary): Html {
  const what = job.reference ? referenceLink(job.reference) : html`<code>${job.name}</code>`;
  const started = job.state === 'delayed' ? html`due ${time(job.dueAt)}` : time(job.processedAt);
  return html`<tr data-job-id="${job.id}">
    <td><code>${job.id}</code></td>
    <td>${what}${job.reason ? html`<br /><small>${job.reason}</small>` : ''}</td>
    <td class="num">${job.attemptsMade}/${job.attempts}</td>
    <td>${time(job.createdAt)}</td>
    <td>${started}</td>
    <td>${time(job.finishedAt)}</td>
    <td class="error failed-reason">${orDash(job.failedReason)}</td>
    <td>${actions(view, job)}</td>
  </tr>`;
}

function section(view: QueueView, state: JobState): Html {
  const jobs = view.jobs[state];
  const shown =
    view.counts[state] > jobs.length
      ? html` <small>(the newest ${jobs.length} of ${view.counts[state]})</small>`
      : '';
  const heading = html`<h2 id="jobs-${state}-h">${state}${shown}</h2>`;
  if (jobs.length === 0)
    return html`<section aria-labelledby="jobs-${state}-h">
      ${heading}
      <p class="hint" id="jobs-${state}">none</p>
    </section>`;
  return html`<section aria-labelledby="jobs-${state}-h">
    ${heading}
    <table id="jobs-${state}">
      ${tableHead(['job', 'image', { num: 'attempts' }, 'created', 'started', 'finished', 'failed reason', ''])}
      <tbody>
        ${jobs.map((job) => row(view, job))}
      </tbody>
    </table>
  </section>`;
}

export function queuePage(ctx: AdminPageContext, view: QueueView): string {
  const paused = view.paused ? html`<p class="warn" id="queue-paused">This queue is paused.</p>` : '';
  const body = html`<h1>Queue <code>${view.name}</code></h1>
    ${paused} ${counts(view)}
    <output id="action-result" aria-live="polite"></output>
    ${JOB_STATES.map((state) => section(view, state))}`;
  return adminPage(ctx, `Queue ${view.name}`, queueHref(view.name), body);
}
