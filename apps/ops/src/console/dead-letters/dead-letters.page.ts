import { maskEmailsIn } from '@app/platform';
import { DeadLetter, DeadLetterFilter } from '../../dlq/dead-letter';
import { RedriveResult } from '../../dlq/redrive-dead-letters';
import { GroupLag } from '../../lag/measure-lag';
import { Html, html } from '../html/html';
import { csrfField, notice, page, Viewer, when } from '../html/layout';

export interface RedriveRequest {
  group?: string;
  filter: DeadLetterFilter;
}

export function deadLettersPage(
  viewer: Viewer,
  groups: string[],
  selected: string | undefined,
  letters: DeadLetter[],
  lag: GroupLag[],
): string {
  const mayRedrive = viewer.role === 'ops';
  const lagRows = lag.map((g) => {
    const oldest = Math.max(0, ...g.partitions.map((p) => p.lagSeconds));
    return html`<tr>
      <td>${g.group}</td>
      <td>${g.state}</td>
      <td>${g.members}</td>
      <td>${g.totalLag}</td>
      <td>${oldest}</td>
    </tr>`;
  });
  const byGroup = groups
    .filter((group) => !selected || group === selected)
    .map((group) => {
      const own = letters.filter((l) => l.group === group);
      const rows = own.map(
        (l) =>
          html`<tr id="dead-letter-${l.id}">
            <td>${l.id}</td>
            <td>${when(l.failedAt)}</td>
            <td>${l.eventType ?? '(not an event)'}</td>
            <td>
              ${l.correlationId ? html`<a href="/sagas/${l.correlationId}">${l.correlationId}</a>` : '-'}
            </td>
            <td>${l.originTopic}</td>
            <td>${l.errorCode}</td>
            <td>${maskEmailsIn(l.reason)}</td>
            <td>
              ${l.redrivenAt ? html`${when(l.redrivenAt)}${l.redrivenBy ? html` by ${l.redrivenBy}` : null}` : 'no'}
            </td>
            <td>
              ${
                mayRedrive && !l.redrivenAt
                  ? redriveForm(viewer, { group, filter: { id: l.id } }, 'Redrive…', false)
                  : null
              }
            </td>
          </tr>`,
      );
      return html`<h2>${group}</h2>
        <p>
          ${own.length} dead letter(s), ${own.filter((l) => !l.redrivenAt).length} not redriven.
        </p>
        ${
          rows.length > 0
            ? html`<table>
                <thead>
                  <tr>
                    <th>Id</th>
                    <th>Failed at</th>
                    <th>Event</th>
                    <th>Saga</th>
                    <th>Origin</th>
                    <th>Code</th>
                    <th>Reason</th>
                    <th>Redriven</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  ${rows}
                </tbody>
              </table>`
            : null
        }`;
    });
  return page(
    'Dead letters and lag',
    html`<h2>Lag per consumer group</h2>
      <table>
        <thead>
          <tr>
            <th>Group</th>
            <th>State</th>
            <th>Members</th>
            <th>Lag (messages)</th>
            <th>Lag (seconds, oldest)</th>
          </tr>
        </thead>
        <tbody>
          ${lagRows}
        </tbody>
      </table>
      <form method="get" action="/dead-letters" class="filters">
        <label
          >Group
          <select name="group">
            <option value="">every group</option>
            ${groups.map(
              (g) => html`<option value="${g}" ${g === selected ? 'selected' : ''}>${g}</option>`,
            )}
          </select></label
        >
        <button type="submit">Show</button>
      </form>
      ${
        mayRedrive
          ? html`<h2>Redrive a filtered set</h2>
              <form method="post" action="/dead-letters/redrive" class="filters">
                ${csrfField(viewer)}
                <input type="hidden" name="group" value="${selected ?? ''}" />
                <label>Error code <input name="code" /></label>
                <label>Event type <input name="type" /></label>
                <label>Origin topic <input name="topic" /></label>
                <button type="submit">Dry run…</button>
              </form>`
          : html`<p>Redrives are done by ops.</p>`
      }
      ${byGroup}`,
    viewer,
  );
}

/** A form that asks for a dry run of a redrive, or (confirmed) does it. */
export function redriveForm(
  viewer: Viewer,
  request: RedriveRequest,
  label: string,
  confirmed: boolean,
): Html {
  const hidden = (name: string, value: string | undefined) =>
    value ? html`<input type="hidden" name="${name}" value="${value}" />` : null;
  return html`<form method="post" action="/dead-letters/redrive" class="inline">
    ${csrfField(viewer)}${hidden('group', request.group)}${hidden('id', request.filter.id)}
    ${hidden('code', request.filter.code)}${hidden('type', request.filter.type)}${hidden('topic', request.filter.topic)}
    ${confirmed ? html`<input type="hidden" name="confirm" value="yes" />` : null}
    <button type="submit">${label}</button>
  </form>`;
}

/** The dry run (with the confirmation form) or the outcome of the redrive. */
function criteriaOf(request: RedriveRequest): string {
  return (
    Object.entries({ group: request.group, ...request.filter })
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || 'every dead letter'
  );
}

/** A confirmed redrive still sending: how far it is; the page refreshes itself until it ends. */
export function redriveProgressPage(
  viewer: Viewer,
  request: RedriveRequest,
  done: number,
  total: number | null,
): string {
  return page(
    'Redrive: in progress',
    html`<p>Redriving ${criteriaOf(request)}.</p>
      <p role="status" data-progress="${done}/${total ?? '?'}">
        ${total === null ? 'Reading the dead letters…' : html`Sent ${done} of ${total}.`}
      </p>
      <p>This page refreshes itself every second until the redrive ends.</p>`,
    viewer,
    { refreshSeconds: 1 },
  );
}

/** A confirmed redrive that stopped on an error: what was sent is marked and is not sent again. */
export function redriveFailedPage(viewer: Viewer, request: RedriveRequest, error: string): string {
  return page(
    'Redrive: stopped',
    html`${notice(`The redrive of ${criteriaOf(request)} stopped: ${error}`, 'error')}
      <p>
        What was sent before the error is marked as redriven; the same redrive again sends only the
        rest.
      </p>
      <p><a href="/dead-letters">Back to the dead letters</a></p>`,
    viewer,
  );
}

export function redrivePage(
  viewer: Viewer,
  request: RedriveRequest,
  result: RedriveResult,
): string {
  const rows = result.outcomes.map(
    (o) =>
      html`<tr>
        <td>${o.id}</td>
        <td>${o.eventType ?? '-'}</td>
        <td>${o.originTopic}</td>
        <td>${o.errorCode}</td>
        <td data-action="${o.action}">${o.action}</td>
        <td>
          ${o.offset ? html`${o.originTopic}[${o.partition ?? '?'}]@${o.offset}` : o.redrivenAt ? html`redriven ${when(o.redrivenAt)}` : '-'}
        </td>
      </tr>`,
  );
  const toSend = result.outcomes.filter((o) => o.action === 'WOULD_REDRIVE').length;
  const criteria = criteriaOf(request);
  return page(
    result.dryRun ? 'Redrive: dry run' : 'Redrive: done',
    html`<p>Matching ${criteria}: ${result.matched} dead letter(s).</p>
      ${
        result.dryRun
          ? toSend > 0
            ? html`<p>
                  Nothing was sent. ${toSend} would be sent back to their topic, ${result.skipped}
                  already were.
                </p>
                ${redriveForm(viewer, request, `Confirm: redrive ${toSend}`, true)}`
            : html`<p>Nothing to redrive.</p>`
          : notice(
              `Redriven ${result.redriven} of ${result.matched}; ${result.skipped} skipped (redriven before).`,
            )
      }
      <table>
        <thead>
          <tr>
            <th>Id</th>
            <th>Event</th>
            <th>Origin</th>
            <th>Code</th>
            <th>Action</th>
            <th>Sent to</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
      <p><a href="/dead-letters">Back to the dead letters</a></p>`,
    viewer,
  );
}
