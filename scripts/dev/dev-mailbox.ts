/**
 * A local development SMTP server: accepts every message on 127.0.0.1:1025, saves it as .eml under
 * .cache/mail/, logs one line (to, subject) per message, and lists them on http://127.0.0.1:1080
 * (also as JSON: /messages.json, which the drive script reads).
 */
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
} from 'node:fs';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { MAILBOX_HTTP_PORT, MAILBOX_SMTP_PORT } from './dev-system';

const ROOT = join(__dirname, '..', '..', '..');
const MAIL_DIR = process.env.DEV_MAIL_DIR ?? join(ROOT, '.cache', 'mail');

interface StoredMail {
  file: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
}

/** Parsed messages, by file name; the .eml files are the truth, this is a cache. */
const parsed = new Map<string, StoredMail>();
let sequence = 0;

async function parseFile(file: string): Promise<StoredMail> {
  const cached = parsed.get(file);
  if (cached) return cached;
  const mail = await simpleParser(readFileSync(join(MAIL_DIR, file)));
  const stored: StoredMail = {
    file,
    receivedAt: (mail.date ?? new Date(0)).toISOString(),
    from: mail.from?.text ?? '',
    to: [mail.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address ?? '')),
    subject: mail.subject ?? '',
    text: mail.text ?? '',
  };
  parsed.set(file, stored);
  return stored;
}

async function listMails(): Promise<StoredMail[]> {
  const files = readdirSync(MAIL_DIR)
    .filter((f) => f.endsWith('.eml'))
    .sort();
  return Promise.all(files.map(parseFile));
}

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    // Written under a temporary name and renamed, so the HTTP page never reads half a message.
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(++sequence).padStart(4, '0')}`;
    const partial = join(MAIL_DIR, `${name}.part`);
    const out = createWriteStream(partial);
    stream.pipe(out);
    out.on('error', (error) => callback(error));
    out.on('finish', () => {
      renameSync(partial, join(MAIL_DIR, `${name}.eml`));
      parseFile(`${name}.eml`)
        .then((mail) => {
          const to = session.envelope.rcptTo.map((r) => r.address).join(', ') || mail.to.join(', ');
          console.log(`mail: to ${to} | ${mail.subject} | .cache/mail/${name}.eml`);
          callback();
        })
        .catch((error: Error) => callback(error));
    });
  },
});

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

async function page(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
  const send = (status: number, type: string, body: string) => {
    response.writeHead(status, { 'content-type': `${type}; charset=utf-8` });
    response.end(body);
  };
  if (url.pathname === '/messages.json') {
    return send(200, 'application/json', JSON.stringify(await listMails()));
  }
  const raw = /^\/raw\/([\w.-]+\.eml)$/.exec(url.pathname);
  if (raw && existsSync(join(MAIL_DIR, raw[1]))) {
    return send(200, 'text/plain', readFileSync(join(MAIL_DIR, raw[1]), 'utf8'));
  }
  const one = /^\/mail\/([\w.-]+\.eml)$/.exec(url.pathname);
  if (one && existsSync(join(MAIL_DIR, one[1]))) {
    const mail = await parseFile(one[1]);
    return send(
      200,
      'text/html',
      `<!doctype html><meta charset="utf-8"><title>${escape(mail.subject)}</title>
<p><a href="/">all messages</a> · <a href="/raw/${mail.file}">raw .eml</a></p>
<p><b>${escape(mail.subject)}</b><br>from ${escape(mail.from)}<br>to ${escape(mail.to.join(', '))}<br>${escape(mail.receivedAt)}</p>
<pre style="white-space:pre-wrap">${escape(mail.text)}</pre>`,
    );
  }
  if (url.pathname !== '/') return send(404, 'text/plain', 'not found');
  const rows = (await listMails())
    .reverse()
    .map(
      (m) =>
        `<tr><td>${escape(m.receivedAt.replace('T', ' ').slice(0, 19))}</td><td>${escape(m.to.join(', '))}</td><td><a href="/mail/${m.file}">${escape(m.subject)}</a></td></tr>`,
    )
    .join('\n');
  send(
    200,
    'text/html',
    `<!doctype html><meta charset="utf-8"><title>Dev mailbox</title>
<h1>Dev mailbox</h1><p>Every message sent to smtp://127.0.0.1:${MAILBOX_SMTP_PORT}, newest first (files in ${escape(MAIL_DIR)}).</p>
<table border="1" cellpadding="4" cellspacing="0"><tr><th>received (UTC)</th><th>to</th><th>subject</th></tr>
${rows}
</table>`,
  );
}

const http = createServer((request, response) => {
  page(request, response).catch((error: Error) => {
    response.writeHead(500);
    response.end(error.message);
  });
});

mkdirSync(MAIL_DIR, { recursive: true });
smtp.on('error', (error) => console.error(`mail: SMTP error: ${error.message}`));
smtp.listen(MAILBOX_SMTP_PORT, '127.0.0.1', () => {
  http.listen(MAILBOX_HTTP_PORT, '127.0.0.1', () => {
    console.log(
      `mail: SMTP on 127.0.0.1:${MAILBOX_SMTP_PORT}, messages on http://127.0.0.1:${MAILBOX_HTTP_PORT} and in ${MAIL_DIR}`,
    );
  });
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    http.close();
    smtp.close(() => process.exit(0));
  });
}
