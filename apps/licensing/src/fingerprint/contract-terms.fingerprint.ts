import { createHash } from 'node:crypto';

/** An entitlement a contract grants (feature or service of the product). */
export interface GrantedEntitlement {
  code: string;
  name: string;
}

/**
 * The baseline terms of a contract: what a reactivation must never alter. Dates are ISO 8601
 * instants (`Date#toISOString()`), so the same instant always reads the same.
 */
export interface ContractTerms {
  contractId: string;
  startsAt: string;
  endsAt: string;
  renewalTerms: string;
  entitlements: GrantedEntitlement[];
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** JSON with object keys sorted at every level, so equal values always serialise the same. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const body = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',');
    return `{${body}}`;
  }
  return JSON.stringify(value);
}

/** The terms in canonical form: entitlements ordered by code (their order carries no meaning). */
export function canonicalTerms(terms: ContractTerms): ContractTerms {
  return {
    contractId: terms.contractId,
    startsAt: terms.startsAt,
    endsAt: terms.endsAt,
    renewalTerms: terms.renewalTerms,
    entitlements: [...terms.entitlements]
      .map((e) => ({ code: e.code, name: e.name }))
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
  };
}

/** SHA-256 (hex) of the canonical JSON of a contract's baseline terms. */
export function contractTermsFingerprint(terms: ContractTerms): string {
  const canonical = canonicalTerms(terms);
  return createHash('sha256')
    .update(canonicalJson(canonical as unknown as Json))
    .digest('hex');
}
