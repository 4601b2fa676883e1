import { SealedPersonDto } from '@app/contracts';
import { openPerson, PersonalDataCipher, sealPerson } from '@app/platform';

/** The PII key every test service runs with (startService): billing and notifications share it. */
export const TEST_PII_KEY = Buffer.alloc(32, 'test-pii-key').toString('base64');

const cipher = new PersonalDataCipher(TEST_PII_KEY);

/** A customer as billing seals it into OrderPaid / PaymentRejected for notifications. */
export function sealedCustomer(person: { name: string; email: string }): SealedPersonDto {
  return { sealed: sealPerson(cipher, person) };
}

/** The customer a sealed value holds (what notifications reads). */
export function openCustomer(customer: SealedPersonDto): { name: string; email: string } {
  return openPerson(cipher, customer.sealed);
}
