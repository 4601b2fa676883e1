import { plainToInstance } from 'class-transformer';
import {
  getMetadataStorage,
  IS_ISO8601,
  IS_LENGTH,
  MATCHES,
  MAX_LENGTH,
  MIN_LENGTH,
  ValidationArguments,
  ValidationTypes,
  ValidatorConstraintInterface,
} from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/**
 * The class a property's `@Type` names (for `@ValidateNested`), if any. class-transformer keeps
 * that metadata private, so it is asked through its public API, once per property when a contract
 * is compiled: what does `plainToInstance` make of an empty object there? A `@Type` class (for a
 * single object or for an array's items alike) instantiates it; no `@Type` leaves a plain object.
 * Discriminated subtypes cannot be told from an empty object, and no contract uses them; a class
 * whose nesting is not recognised here is left to class-validator (see `compileContract`).
 */
export function nestedTypeOf(target: Function, property: string): Constructor | undefined {
  const probe = plainToInstance(target as Constructor, { [property]: {} }) as Record<
    string,
    unknown
  >;
  const value = probe[property];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const made = value.constructor as Constructor;
  return made === Object ? undefined : made;
}

/**
 * A contract class's validation, compiled once from its class-validator metadata.
 *
 * class-validator re-reads its metadata store, groups it, and builds error objects for every
 * object it validates: most of the runtime's CPU per consumed record went there. The compiled form
 * runs the very same constraint instances (class-validator's own `validate` functions, with the
 * same arguments) in a precomputed order, and instantiates nested classes from class-transformer's
 * `@Type` metadata as `plainToInstance` does. It only answers "valid or not": when it says not, the
 * caller asks class-validator itself for the readable reasons. A class using anything it does not
 * mirror exactly (async constraints, groups, `always`, nesting without `@Type`) is not compiled:
 * `compileContract` returns undefined and the caller keeps class-validator for it.
 */
export interface CompiledContract<T> {
  /** A whitelisted instance of the class when `plain` is valid, else undefined. */
  instantiate(plain: object): T | undefined;
}

type Constructor<T = object> = new () => T;

interface PropertyRule {
  name: string;
  /** `@IsOptional` and its kind: when any says no, the property is not validated. */
  conditions: ((object: object, value: unknown) => boolean)[];
  checks: {
    constraint: ValidatorConstraintInterface;
    constraints: unknown[];
    each: boolean;
    validateIf?: (object: object, value: unknown) => boolean;
    /** A check of VALUE_ONLY_CHECKS (not `each`): its last string found valid. */
    remembers: boolean;
    lastValid?: string;
  }[];
  /** `@ValidateNested` with its `@Type` class. */
  nested?: ClassRule;
}

interface ClassRule {
  target: Constructor;
  properties: PropertyRule[];
}

class NotCompilable extends Error {}

/**
 * class-validator's own checks of a string whose verdict is the string's and their constraints'
 * alone (they read nothing else of the object), and cost enough to remember: an ISO 8601 time
 * checked strictly builds the date, a pattern or a length runs regular expressions. A check of
 * these remembers its last valid string, and a next object with the same string (the time of
 * every event of one transaction, the schema of every event of a type) is not checked again.
 */
const VALUE_ONLY_CHECKS = new Set([IS_ISO8601, IS_LENGTH, MATCHES, MAX_LENGTH, MIN_LENGTH]);

export function compileContract<T extends object>(
  target: Constructor<T>,
): CompiledContract<T> | undefined {
  let rule: ClassRule;
  try {
    rule = compileClass(target, new Map());
  } catch (error) {
    if (error instanceof NotCompilable) return undefined;
    throw error;
  }
  return {
    instantiate: (plain) => {
      const instance = instantiate(rule, plain) as T;
      return isValid(rule, instance) ? instance : undefined;
    },
  };
}

function compileClass(target: Constructor, seen: Map<Constructor, ClassRule>): ClassRule {
  const known = seen.get(target);
  if (known) return known;
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(target, '', false, false, undefined);
  // class-validator rejects any object of a class without metadata ("unknown value").
  if (metadatas.length === 0) throw new NotCompilable(`${target.name} has no validation`);
  const rule: ClassRule = { target, properties: [] };
  seen.set(target, rule);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of metadatas) {
    if (metadata.always || metadata.groups?.length) {
      throw new NotCompilable(`${target.name}.${metadata.propertyName} uses groups`);
    }
    const list = byProperty.get(metadata.propertyName) ?? [];
    list.push(metadata);
    byProperty.set(metadata.propertyName, list);
  }
  for (const [name, list] of byProperty) {
    const property: PropertyRule = { name, conditions: [], checks: [] };
    for (const metadata of list) {
      switch (metadata.type) {
        case ValidationTypes.CONDITIONAL_VALIDATION:
          property.conditions.push(metadata.constraints[0] as PropertyRule['conditions'][number]);
          break;
        case ValidationTypes.CUSTOM_VALIDATION:
          for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
            if (constraint.async) throw new NotCompilable(`${name}: async constraint`);
            property.checks.push({
              constraint: constraint.instance,
              constraints: metadata.constraints,
              each: metadata.each,
              remembers: VALUE_ONLY_CHECKS.has(constraint.name) && !metadata.each,
              validateIf: (
                metadata as { validateIf?: PropertyRule['checks'][number]['validateIf'] }
              ).validateIf,
            });
          }
          break;
        case ValidationTypes.NESTED_VALIDATION: {
          const nestedClass = nestedTypeOf(target, name);
          if (!nestedClass) {
            throw new NotCompilable(`${target.name}.${name}: nested without a plain @Type`);
          }
          property.nested = compileClass(nestedClass, seen);
          break;
        }
        case ValidationTypes.WHITELIST:
          break;
        default:
          // IS_DEFINED, PROMISE_VALIDATION and anything newer: leave it to class-validator.
          throw new NotCompilable(`${target.name}.${name}: ${metadata.type}`);
      }
    }
    rule.properties.push(property);
  }
  return rule;
}

/** plainToInstance of the properties the class validates (the whitelist drops the others). */
function instantiate(rule: ClassRule, plain: object): object {
  const instance = new rule.target() as Record<string, unknown>;
  const source = plain as Record<string, unknown>;
  for (const property of rule.properties) {
    if (!Object.prototype.hasOwnProperty.call(source, property.name)) continue;
    const value = source[property.name];
    instance[property.name] = property.nested ? instantiateNested(property.nested, value) : value;
  }
  return instance;
}

function instantiateNested(rule: ClassRule, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => instantiateNested(rule, item));
  if (value !== null && typeof value === 'object') return instantiate(rule, value);
  return value;
}

/**
 * One ValidationArguments per object validated, updated for each check (a constraint's `validate`
 * is synchronous and done with it before the next): one per check was 12 KB of garbage per
 * consumed event, the largest share of a consumer's allocations.
 */
function isValid(rule: ClassRule, instance: object): boolean {
  const object = instance as Record<string, unknown>;
  const args = {
    targetName: rule.target.name,
    property: '',
    object: instance,
    value: undefined as unknown,
    constraints: [] as unknown[],
  };
  for (const property of rule.properties) {
    const value = object[property.name];
    if (!meetsConditions(property, instance, value)) continue;
    args.property = property.name;
    args.value = value;
    for (const check of property.checks) {
      if (check.validateIf && !check.validateIf(instance, value)) continue;
      const remembered = check.remembers && typeof value === 'string';
      if (remembered && value === check.lastValid) continue;
      args.constraints = check.constraints;
      const valid =
        check.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)
          ? everyItemValid(check.constraint, value instanceof Map ? value.values() : value, args)
          : Boolean(check.constraint.validate(value, args));
      if (!valid) return false;
      if (remembered) check.lastValid = value;
    }
    if (property.nested && value !== undefined && !isValidNested(property.nested, value)) {
      return false;
    }
  }
  return true;
}

function meetsConditions(property: PropertyRule, instance: object, value: unknown): boolean {
  for (const condition of property.conditions) if (!condition(instance, value)) return false;
  return true;
}

function everyItemValid(
  constraint: ValidatorConstraintInterface,
  items: Iterable<unknown>,
  args: ValidationArguments,
): boolean {
  for (const item of items) if (!constraint.validate(item, args)) return false;
  return true;
}

/** As class-validator: arrays item by item, objects as their class, anything else is invalid. */
function isValidNested(rule: ClassRule, value: unknown): boolean {
  if (Array.isArray(value)) {
    for (const item of value) if (!isValidNested(rule, item)) return false;
    return true;
  }
  if (value instanceof rule.target) return isValid(rule, value);
  return false;
}
