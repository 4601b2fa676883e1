import { Matches } from 'class-validator';

/** Identifiers are opaque strings: letters, digits, '_' and '-', at most 64 characters. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const IsId = (each = false): PropertyDecorator =>
  Matches(ID_PATTERN, { each, message: '$property must be an id ([A-Za-z0-9_-]{1,64})' });
