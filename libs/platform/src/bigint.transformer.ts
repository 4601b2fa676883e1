import { ValueTransformer } from 'typeorm';

/**
 * A bigint column as a JS number (pg returns bigint as a string). Money in minor units and
 * versions fit a safe integer; a value that does not is refused rather than silently rounded.
 */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null): number | null => {
    if (value === null) return null;
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed))
      throw new Error(`bigint ${value} is beyond a safe JavaScript integer`);
    return parsed;
  },
};
