import { simpleParser } from 'mailparser';
import { Readable } from 'node:stream';
import type MailComposer from 'nodemailer/lib/mail-composer';
import MimeNode from 'nodemailer/lib/mime-node';
import { composeMessage } from './mime-message';

const sent = (extra: Partial<MailComposer.Options> = {}): MailComposer.Options => ({
  from: 'Poly reactivations <reactivations@poly.example>',
  to: ['jane@customer.example'],
  subject: 'Your services are reactivated (order order-1)',
  text: 'Hello Jane Doe,\n\nYour services are active again.\n',
  html: '<p>Hello Jane Doe,</p><p>Your services are active again.</p>',
  messageId: '<n-1@notifications.poly.example>',
  textEncoding: 'base64',
  date: new Date('2026-12-02T10:00:00Z'),
  ...extra,
});

/** nodemailer's own stream of a tree (counted: composing must not need it for these parts). */
const streamed = jest.spyOn(MimeNode.prototype, 'build');
afterEach(() => streamed.mockClear());

/** The message, and the same tree built by nodemailer's stream: the bytes it must have. */
async function asNodemailerBuildsIt(options: MailComposer.Options) {
  const { raw, node } = await composeMessage(options);
  const streamedToCompose = streamed.mock.calls.length;
  return {
    raw: raw.toString(),
    expected: (await node.build()).toString(),
    streamedToCompose,
  };
}

describe('composing a message', () => {
  it.each([
    ['a plain message', sent()],
    [
      'names, subject and text outside ASCII, and a subject long enough to be folded',
      sent({
        from: 'Réactivations Poly <reactivations@poly.example>',
        to: ['"Zoë Ångström" <zoe@customer.example>', 'ops@poly.example'],
        subject: `Vos services sont réactivés — commande ${'très-longue-'.repeat(12)}`,
        text: `Bonjour Zoë,\n\n${'Vos licences sont actives. '.repeat(40)}\n`,
        html: `<p>Bonjour Zoë,</p><p>${'Vos licences sont actives. '.repeat(40)}</p>`,
      }),
    ],
    ['text only', sent({ html: undefined })],
    ['an empty text', sent({ text: '', html: undefined })],
  ])('writes %s byte for byte as nodemailer does', async (_, options) => {
    const { raw, expected, streamedToCompose } = await asNodemailerBuildsIt(options);
    expect(raw).toEqual(expected);
    expect(streamedToCompose).toBe(0);
  });

  it('reads back as what was sent, both parts, for a mail reader', async () => {
    const options = sent({ to: ['"Zoë Ångström" <zoe@customer.example>'], subject: 'Réactivé ✓' });
    const parsed = await simpleParser((await composeMessage(options)).raw);
    expect(parsed.subject).toBe('Réactivé ✓');
    expect(parsed.messageId).toBe('<n-1@notifications.poly.example>');
    expect(parsed.text).toBe(options.text);
    expect(parsed.html).toBe(options.html);
    expect(JSON.stringify(parsed.to)).toContain('zoe@customer.example');
  });

  it('leaves a message whose line breaks nodemailer converts to its stream', async () => {
    const options = sent({ newline: 'windows', text: 'Hello\nJane\n', html: undefined });
    const { raw, expected } = await asNodemailerBuildsIt(options);
    expect(raw).toEqual(expected);
    expect(raw).toContain('Hello\r\nJane\r\n');
  });

  it('leaves a part it does not frame to nodemailer: an attachment read from a stream', async () => {
    const options = sent({
      attachments: [{ filename: 'receipt.txt', content: Readable.from(['paid in full']) }],
    });
    const parsed = await simpleParser((await composeMessage(options)).raw);
    expect(streamed).toHaveBeenCalledTimes(1);
    expect(parsed.text).toBe(options.text);
    expect(parsed.attachments.map((a) => a.content.toString())).toEqual(['paid in full']);
  });
});
