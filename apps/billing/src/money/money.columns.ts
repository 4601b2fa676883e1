import { ValueTransformer } from 'typeorm';

/** bigint columns hold minor units; node-postgres returns them as strings. */
export const minorUnits: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : toSafeNumber(value)),
};

/** numeric(7,2) tax rates in basis points (887.50 → 887.5). */
export const basisPoints: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** A bigint column of minor units, as node-postgres returns it (a string), as a number. */
export function toSafeNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed))
    throw new Error(`minor amount ${value} exceeds the safe range`);
  return parsed;
}
