import { SIGNATURE_HEADER, Topics, verifySignature } from '@app/contracts';
import { DecodeError, RecordOrigin } from '@app/messaging';
import { KafkaMessage } from 'kafkajs';

/**
 * The messaging runtime's `authenticate` hook for billing: every record on billing.payments.v1
 * must carry a valid upstream x-signature, or it is dead-lettered (UNAUTHENTICATED) before
 * anything reads it. It is not refunded either: a forged payment moved no money.
 *
 * Freshness is judged against the record's own timestamp (when it entered Kafka), not the clock
 * of the consumer: a valid payment redelivered after a crash or replayed from the beginning must
 * not become a dead letter. Replaying it is harmless anyway: its event id and paymentId are known.
 */
export function upstreamSignatureCheck(
  secret: string,
): (record: RecordOrigin, message: KafkaMessage) => void {
  return (record, message) => {
    if (record.topic !== Topics.BillingPayments) return;
    const verdict = verifySignature(
      secret,
      message.value ?? Buffer.alloc(0),
      headerValue(message, SIGNATURE_HEADER),
      recordSeconds(message),
    );
    if (verdict !== 'valid') {
      throw new DecodeError(
        'UNAUTHENTICATED',
        `${SIGNATURE_HEADER} ${verdict}: upstream signature not accepted`,
      );
    }
  };
}

function headerValue(message: KafkaMessage, name: string): string | undefined {
  const raw = message.headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}

function recordSeconds(message: KafkaMessage): number {
  const millis = Number(message.timestamp);
  return Math.floor((Number.isFinite(millis) && millis > 0 ? millis : Date.now()) / 1000);
}
