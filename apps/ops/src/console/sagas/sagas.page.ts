import { SagaReport } from '../../saga/saga.printer';
import { Html, html, query } from '../html/html';
import { duration, notice, page, Viewer, when } from '../html/layout';

/** One row of notifications' `GET /sagas`. */
export interface SagaSummary {
  orderId: string;
  accountId: string;
  status: string;
  view: string | null;
  stage: string | null;
  stageSince: string | null;
  secondsInStage: number | null;
  waitingUntil: string | null;
  stallDeadline: string | null;
  region: string | null;
  supportContact: { contactId: string; name: string } | null;
}

export interface SagaFilters {
  view?: string;
  accountId?: string;
  orderId?: string;
  region?: string;
  stage?: string;
  contactId?: string;
}

/** Notifications' timeline of one order: its emails and support contact. */
export interface OrderTimeline {
  status: string;
  supportContact: { contactId: string; name: string; email: string } | null;
  stages: { stage: string; at: string }[];
  emails: {
    stage: string;
    subject: string | null;
    status: string;
    dueAt: string;
    sentAt: string | null;
  }[];
}

const VIEWS: [string | undefined, string][] = [
  [undefined, 'All'],
  ['in-flight', 'In flight'],
  ['waiting', 'Waiting (window, review, ops)'],
  ['stalled', 'Stalled'],
  ['refunded', 'Refunded'],
  ['fulfilled', 'Fulfilled'],
];

export function sagasPage(
  viewer: Viewer,
  filters: SagaFilters,
  sagas: SagaSummary[],
  problem?: string,
): string {
  const { view, ...rest } = filters;
  const views = VIEWS.map(
    ([v, label]) =>
      html`<a href="/sagas${query({ ...rest, view: v })}" class="${v === view ? 'current' : ''}"
        >${label}</a
      >`,
  );
  const field = (name: keyof SagaFilters, label: string) =>
    html`<label>${label}<input name="${name}" value="${filters[name] ?? ''}" /></label>`;
  const rows = sagas.map(
    (s) =>
      html`<tr>
        <td><a href="/sagas/${s.orderId}">${s.orderId}</a></td>
        <td>${s.accountId}</td>
        <td>${s.region ?? '-'}</td>
        <td>${s.status}</td>
        <td>${s.stage ?? '-'}</td>
        <td>${duration(s.secondsInStage)}</td>
        <td>${s.waitingUntil ? when(s.waitingUntil) : '-'}</td>
        <td>
          ${s.supportContact ? html`${s.supportContact.name} (${s.supportContact.contactId})` : '-'}
        </td>
      </tr>`,
  );
  return page(
    'Sagas',
    html`<p class="views">${views}</p>
      <form method="get" action="/sagas" class="filters">
        ${view ? html`<input type="hidden" name="view" value="${view}" />` : null}
        ${field('accountId', 'Account')} ${field('orderId', 'Order')} ${field('region', 'Region')}
        ${field('stage', 'Stage (event type)')} ${field('contactId', 'Support contact')}
        <button type="submit">Filter</button>
      </form>
      ${notice(problem, 'error')}
      ${
        viewer.contactId
          ? html`<p>Your own cases (contact ${viewer.contactId}) come first.</p>`
          : null
      }
      <table>
        <thead>
          <tr>
            <th>Order</th>
            <th>Account</th>
            <th>Region</th>
            <th>Status</th>
            <th>Stage</th>
            <th>In stage for</th>
            <th>Waits until</th>
            <th>Support contact</th>
          </tr>
        </thead>
        <tbody>
          ${
            rows.length > 0
              ? rows
              : html`<tr>
                  <td colspan="8">No saga matches.</td>
                </tr>`
          }
        </tbody>
      </table>`,
    viewer,
  );
}

export function sagaPage(
  viewer: Viewer,
  report: SagaReport,
  timeline: OrderTimeline | null,
  reviewId: string | null,
): string {
  const v = report.verdict;
  const story = report.events.map(
    (e) =>
      html`<tr id="event-${e.id}" data-type="${e.type}">
        <td>${when(e.time)}</td>
        <td>${e.type}</td>
        <td>${e.source}</td>
        <td>${e.topic}</td>
        <td>
          ${e.causationId ? html`<a href="#event-${e.causationId}">${e.causedBy ?? e.causationId}</a>` : '-'}
        </td>
      </tr>`,
  );
  const deadLetters = report.deadLetters.map(
    (d) =>
      html`<tr>
        <td>${d.id}</td>
        <td>${d.type ?? '-'}</td>
        <td>${d.errorCode ?? '-'}</td>
        <td>${d.reason ?? '-'}</td>
        <td><a href="/dead-letters${query({ group: d.group })}">see and redrive</a></td>
      </tr>`,
  );
  const services = report.services.map(
    (s) =>
      html`<tr>
        <td>${s.service}</td>
        <td>${s.status ?? '-'}</td>
        <td>${s.note ?? fieldList(s.fields ?? {})}</td>
      </tr>`,
  );
  const emails = (timeline?.emails ?? []).map(
    (m) =>
      html`<tr>
        <td>${m.stage}</td>
        <td>${m.subject ?? '-'}</td>
        <td>${m.status}</td>
        <td>${when(m.sentAt ?? m.dueAt)}</td>
      </tr>`,
  );
  const finished = v.state === 'FINISHED';
  return page(
    `Saga ${report.orderId}`,
    html`<p class="verdict ${v.state}" data-verdict="${v.state}">${v.summary}</p>
      ${
        v.nextActor
          ? html`<p>
              Next to act:
              <strong>${v.nextActor}</strong
              >${v.expected ? html` — ${v.expected}` : null}${v.until ? html` (until ${when(v.until)})` : null}
            </p>`
          : null
      }
      ${reviewId ? html`<p><a href="/reviews#review-${reviewId}">Its compliance review</a></p>` : null}
      ${
        timeline?.supportContact
          ? html`<p>
              Support contact: ${timeline.supportContact.name}
              &lt;${timeline.supportContact.email}&gt;
            </p>`
          : null
      }
      <h2>Events</h2>
      <table>
        <thead>
          <tr>
            <th>Time</th>
            <th>Event</th>
            <th>Producer</th>
            <th>Topic</th>
            <th>Caused by</th>
          </tr>
        </thead>
        <tbody>
          ${
            story.length > 0
              ? story
              : html`<tr>
                  <td colspan="5">No event of this order.</td>
                </tr>`
          }
        </tbody>
      </table>
      ${
        deadLetters.length > 0
          ? html`<h2>Dead letters</h2>
              <table>
                <thead>
                  <tr>
                    <th>Id</th>
                    <th>Event</th>
                    <th>Code</th>
                    <th>Reason</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  ${deadLetters}
                </tbody>
              </table>`
          : null
      }
      <h2>State in each service</h2>
      <table>
        <thead>
          <tr>
            <th>Service</th>
            <th>Status</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          ${services}
        </tbody>
      </table>
      <h2>Emails</h2>
      <table>
        <thead>
          <tr>
            <th>Stage</th>
            <th>Subject</th>
            <th>Status</th>
            <th>Sent (or due)</th>
          </tr>
        </thead>
        <tbody>
          ${
            emails.length > 0
              ? emails
              : html`<tr>
                  <td colspan="4">No email yet.</td>
                </tr>`
          }
        </tbody>
      </table>
      ${finished ? null : html`<p>This page refreshes itself every 5 seconds until the saga ends.</p>`}`,
    viewer,
    finished ? {} : { refreshSeconds: 5 },
  );
}

/** A service's fields: plain values as text, nested ones as compact JSON. */
function fieldList(fields: Record<string, unknown>): Html {
  const shown = Object.entries(fields).filter(([, value]) => value !== null && value !== undefined);
  return html`<dl class="fields">
    ${shown.map(
      ([name, value]) =>
        html`<dt>${name}</dt>
          <dd>${typeof value === 'string' ? value : JSON.stringify(value)}</dd>`,
    )}
  </dl>`;
}
