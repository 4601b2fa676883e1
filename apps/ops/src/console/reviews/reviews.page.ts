import { html } from '../html/html';
import { csrfField, duration, notice, page, Viewer, when } from '../html/layout';

/** A review as eligibility's `GET /reviews` answers it. */
export interface Review {
  reviewId: string;
  orderId: string;
  accountId: string;
  state: string;
  deadline: string;
  openedAt: string;
  decidedAt: string | null;
  note: string | null;
  documents: { documentId: string; status: string; recordedAt: string | null }[];
  /** Who did what to it (eligibility's audit trail), when the service records it. */
  audit?: { action: string; subject: string | null; actor: string; at: string }[];
}

const STATES = ['OPEN', 'APPROVED', 'DENIED', 'EXPIRED', 'WITHDRAWN'];

export function reviewsPage(
  viewer: Viewer,
  state: string,
  reviews: Review[],
  now: Date,
  messages: { done?: string; problem?: string },
): string {
  const mayDecide = viewer.role === 'ops';
  const items = reviews.map((r) => {
    const secondsLeft = Math.floor((Date.parse(r.deadline) - now.getTime()) / 1000);
    const documents = r.documents.map(
      (d) =>
        html`<li>
          ${d.documentId}:
          <strong>${d.status}</strong>${d.recordedAt ? html` (${when(d.recordedAt)})` : null}
          ${
            mayDecide && r.state === 'OPEN'
              ? html`<form
                  method="post"
                  action="/reviews/${r.reviewId}/documents/${d.documentId}"
                  class="inline"
                >
                  ${csrfField(viewer)}
                  <button name="status" value="VERIFIED" type="submit">Verified</button>
                  <button name="status" value="REJECTED" type="submit">Rejected</button>
                </form>`
              : null
          }
        </li>`,
    );
    const audit = (r.audit ?? []).map(
      (a) =>
        html`<li>
          ${when(a.at)} ${a.actor}: ${a.action}${a.subject ? html` ${a.subject}` : null}
        </li>`,
    );
    return html`<section id="review-${r.reviewId}" class="review">
      <h2>Review ${r.reviewId} · ${r.state}</h2>
      <p>
        Order <a href="/sagas/${r.orderId}">${r.orderId}</a>, account ${r.accountId}. Deadline
        ${when(r.deadline)}${
          r.state === 'OPEN'
            ? secondsLeft > 0
              ? html` (${duration(secondsLeft)} left)`
              : html` (<strong>passed</strong>: it can only be denied)`
            : null
        }.
      </p>
      <ul>
        ${documents}
      </ul>
      ${r.note ? html`<p>Note: ${r.note}</p>` : null}
      ${
        mayDecide && r.state === 'OPEN'
          ? html`<form method="post" action="/reviews/${r.reviewId}/decision">
              ${csrfField(viewer)}
              <label>Note <input name="note" maxlength="1000" /></label>
              <button name="decision" value="approve" type="submit">Approve</button>
              <button name="decision" value="deny" type="submit">Deny</button>
            </form>`
          : null
      }
      ${
        audit.length > 0
          ? html`<details>
              <summary>Audit</summary>
              <ul>
                ${audit}
              </ul>
            </details>`
          : null
      }
    </section>`;
  });
  return page(
    'Compliance reviews',
    html`<p class="views">
        ${STATES.map(
          (s) =>
            html`<a href="/reviews?state=${s}" class="${s === state ? 'current' : ''}">${s}</a>`,
        )}
      </p>
      ${notice(messages.done)}${notice(messages.problem, 'error')}
      ${mayDecide ? null : html`<p>Documents and decisions are recorded by ops; you may look.</p>`}
      ${items.length > 0 ? items : html`<p>No ${state} review.</p>`}`,
    viewer,
  );
}
