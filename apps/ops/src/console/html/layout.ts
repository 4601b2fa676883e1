import { formatDuration } from '../../cli/table';
import { Html, html } from './html';

export interface Viewer {
  role: string;
  tokenId: string;
  csrf: string;
  /** A support person's roster contact, when their token names it. */
  contactId?: string;
}

const NAV: [string, string][] = [
  ['/sagas', 'Sagas'],
  ['/reviews', 'Reviews'],
  ['/dead-letters', 'Dead letters and lag'],
];

/** A console page: navigation, who is signed in, the content; no script anywhere. */
export function page(
  title: string,
  content: Html,
  viewer?: Viewer,
  options: { refreshSeconds?: number } = {},
): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        ${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}" />` : null}
        <title>${title} · Reactivation console</title>
        <link rel="stylesheet" href="/console.css" />
      </head>
      <body>
        <header>
          <strong>Reactivation console</strong>
          ${
            viewer
              ? html`<nav>${NAV.map(([href, label]) => html`<a href="${href}">${label}</a>`)}</nav>
                  <form method="post" action="/sign-out" class="inline">
                    <span class="who">signed in: ${viewer.role} (token ${viewer.tokenId})</span>
                    <input type="hidden" name="csrf" value="${viewer.csrf}" />
                    <button type="submit">Sign out</button>
                  </form>`
              : null
          }
        </header>
        <main>
          <h1>${title}</h1>
          ${content}
        </main>
      </body>
    </html> `.markup;
}

/** A time for people: the ISO instant, in UTC, to the second. */
export function when(iso: string | null | undefined): Html {
  if (!iso) return html`-`;
  return html`<time datetime="${iso}">${iso.replace('T', ' ').slice(0, 19)} UTC</time>`;
}

export function duration(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? '-' : formatDuration(seconds * 1000);
}

export function notice(text: string | undefined, kind: 'ok' | 'error' = 'ok'): Html | null {
  return text ? html`<p class="notice ${kind}" role="status">${text}</p>` : null;
}

/** A hidden CSRF field for every form that changes something. */
export function csrfField(viewer: Viewer): Html {
  return html`<input type="hidden" name="csrf" value="${viewer.csrf}" />`;
}

export const CONSOLE_CSS = `
body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b}
header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.6rem 1rem;background:#1f3a5f;color:#fff}
header a{color:#fff;margin-right:1rem}
header .who{font-size:.85rem;margin-right:.5rem}
main{padding:1rem;max-width:80rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top;font-size:.9rem}
form.inline{display:inline}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-bottom:1rem}
form.filters label{display:flex;flex-direction:column;font-size:.8rem}
.notice{padding:.5rem;border-radius:4px}
.notice.ok{background:#e6f4ea}
.notice.error{background:#fdecea}
.verdict{font-size:1.1rem;padding:.6rem;border-left:6px solid #888;background:#f5f5f5}
.verdict.STUCK{border-color:#c62828;background:#fdecea}
.verdict.FINISHED{border-color:#2e7d32;background:#e6f4ea}
.verdict.WAITING,.verdict.MANUAL_HANDLING{border-color:#f9a825;background:#fff8e1}
.views a{margin-right:.8rem}
dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:0}
dl.fields dt{color:#555}dl.fields dd{margin:0;word-break:break-word}
.views a.current{font-weight:bold}
@media (max-width:40rem){td,th{font-size:.8rem;padding:.2rem}}
`;
