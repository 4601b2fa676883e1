import { SIGNATURE_HEADER, Topics, verifySignature } from '@app/contracts';
import { DecodeError, RecordOrigin } from '@app/messaging';
import { KafkaMessage } from 'kafkajs';

/**
 * The messaging runtime's `authenticate` hook for billing: every record on billing.payments.v1
 * must carry a valid upstream x-signature, and name one account in its key, its CloudEvents
 * `subject` and its `data.accountId`, or it is dead-lettered (UNAUTHENTICATED) before anything
 * reads it. It is not refunded either: a forged payment moved no money.
 *
 * Freshness is judged against when the broker appended the record (`record.appendedAt`: the
 * topic has `message.timestamp.type=LogAppendTime`, and a redriven record carries its original's),
 * not the producer's timestamp, which the sender chooses, nor the consumer's clock: a valid
 * payment redelivered after a crash or replayed from the beginning must not become a dead letter,
 * and a months-old signed payment produced again must. Replaying a valid one is harmless anyway:
 * its event id and paymentId are known.
 */
export function upstreamSignatureCheck(
  secret: string,
  toleranceSeconds: number,
): (record: RecordOrigin, message: KafkaMessage, parsed: unknown) => void {
  return (record, message, parsed) => {
    if (record.topic !== Topics.BillingPayments) return;
    const value = message.value ?? Buffer.alloc(0);
    const verdict = verifySignature(
      secret,
      value,
      headerValue(message, SIGNATURE_HEADER),
      Math.floor(record.appendedAt.getTime() / 1000),
      toleranceSeconds,
    );
    if (verdict !== 'valid') {
      throw new DecodeError(
        'UNAUTHENTICATED',
        `${SIGNATURE_HEADER} ${verdict}: upstream signature not accepted`,
      );
    }
    // The signature covers the value, not the key: a signed event re-keyed to another account
    // (or signed naming two) must not reach that account's partition or saga.
    if (!namesOneAccount(record.key, parsed)) {
      throw new DecodeError(
        'UNAUTHENTICATED',
        'key, subject and data.accountId name different accounts: the contract says key = subject = accountId',
      );
    }
  };
}

/**
 * Whether key, subject and data.accountId are the same string (`event`: the value as the runtime
 * parsed it, once). A value that is not an event, or names no account, passes here: the decoder that runs next dead-letters it with its own reason.
 */
function namesOneAccount(key: string | null, event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return true;
  const { subject, data } = event as { subject?: unknown; data?: { accountId?: unknown } };
  const accountId = typeof data === 'object' && data !== null ? data.accountId : undefined;
  // A subject or accountId missing or not a string is the decoder's to refuse (INVALID_ENVELOPE,
  // INVALID_DATA), with its own reason: only two accounts named differently are a mismatch.
  if (typeof subject !== 'string' || typeof accountId !== 'string') return true;
  return key === subject && subject === accountId;
}

function headerValue(message: KafkaMessage, name: string): string | undefined {
  const raw = message.headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}
