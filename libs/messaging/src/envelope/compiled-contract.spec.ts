import 'reflect-metadata';
import { CloudEventEnvelope, EVENT_CONTRACTS } from '@app/contracts';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, ValidationTypes, validateSync } from 'class-validator';
import { compileContract, nestedTypeOf } from './compiled-contract';

type Constructor = new () => object;
type Plain = Record<string, unknown>;

/** class-validator's verdict, the reference: the whitelisted instance, or undefined. */
function reference(target: Constructor, plain: Plain): object | undefined {
  const instance: object = plainToInstance(target, plain);
  return validateSync(instance, { whitelist: true }).length === 0 ? instance : undefined;
}

function errorsOf(target: Constructor, plain: Plain): string[] {
  const instance: object = plainToInstance(target, plain);
  return validateSync(instance, { whitelist: true }).map((e) => e.property);
}

const TRACE = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
/** Values that pass or fail the constraints the contracts use, in every JSON type. */
const POOL: unknown[] = [
  'acc-1',
  'EUR',
  'JPY',
  'eur',
  '2026-11-23T10:00:00.000Z',
  '2026-11-23',
  'a@b.example',
  'not an id!',
  '',
  'x'.repeat(65),
  'x'.repeat(400),
  '1.0',
  'application/json',
  'urn:poly:reactivation:OrderPaid:v1',
  TRACE,
  '0123456789abcdef'.repeat(4),
  'v2.k3y1d.bm9uY2U.dGFn.Ym9keQ', // a sealed person (SealedPersonDto)
  0,
  1,
  -1,
  1.5,
  887.5,
  1.234,
  2 ** 53,
  true,
  false,
  null,
  undefined,
  [],
  ['acc-1'],
  ['acc-1', 'not an id!'],
  {},
  { a: 1 },
];

function propertiesOf(target: Constructor) {
  const byName = new Map<string, { inValues: unknown[]; nested?: Constructor; each: boolean }>();
  for (const m of getMetadataStorage().getTargetValidationMetadatas(
    target,
    '',
    false,
    false,
    undefined,
  )) {
    const entry = byName.get(m.propertyName) ?? { inValues: [], each: false };
    if (m.type === ValidationTypes.CUSTOM_VALIDATION && Array.isArray(m.constraints?.[0])) {
      entry.inValues.push(...(m.constraints[0] as unknown[]));
    }
    if (m.type === ValidationTypes.CUSTOM_VALIDATION && m.each) entry.each = true;
    if (m.type === ValidationTypes.NESTED_VALIDATION) {
      entry.nested = nestedTypeOf(target, m.propertyName);
    }
    byName.set(m.propertyName, entry);
  }
  return byName;
}

/** Candidates for one property: its own allowed values and nested samples first, then the pool. */
function candidatesFor(entry: { inValues: unknown[]; nested?: Constructor; each: boolean }) {
  const own: unknown[] = [...entry.inValues, ...entry.inValues.map((v) => [v])];
  if (entry.nested) {
    const nested = validSample(entry.nested);
    own.push(nested, [nested], [nested, nested]);
  }
  return [...own, ...POOL];
}

/** A valid object of `target`, built property by property from the candidates. */
function validSample(target: Constructor): Plain {
  const sample: Plain = {};
  for (const [name, entry] of propertiesOf(target)) {
    const found = candidatesFor(entry).find((candidate) => {
      sample[name] = candidate;
      return !errorsOf(target, sample).includes(name);
    });
    if (found === undefined && !(name in sample && sample[name] === undefined)) {
      throw new Error(`no valid value found for ${target.name}.${name}`);
    }
  }
  return sample;
}

const TARGETS: Constructor[] = [CloudEventEnvelope, ...EVENT_CONTRACTS];

describe('compiled contract validation', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))(
    '%s: agrees with class-validator on a valid record and on every one-property change of it',
    (_, target) => {
      const compiled = compileContract(target);
      expect(compiled).toBeDefined();
      const valid = validSample(target);
      expect(reference(target, valid)).toBeDefined();

      const variants: Plain[] = [valid, { ...valid, unknownField: 'dropped' }];
      for (const [name, entry] of propertiesOf(target)) {
        for (const candidate of candidatesFor(entry))
          variants.push({ ...valid, [name]: candidate });
        const { [name]: _removed, ...without } = valid;
        variants.push(without);
        // One change inside a nested object too.
        if (entry.nested) {
          const nested = valid[name] as Plain | Plain[];
          const inner = Array.isArray(nested) ? nested[0] : nested;
          for (const [innerName] of propertiesOf(entry.nested)) {
            for (const candidate of POOL) {
              const changed = { ...inner, [innerName]: candidate };
              variants.push({ ...valid, [name]: Array.isArray(nested) ? [changed] : changed });
            }
          }
        }
      }

      let accepted = 0;
      for (const variant of variants) {
        const expected = reference(target, variant);
        const actual = compiled!.instantiate(variant);
        expect({ variant, valid: actual !== undefined }).toEqual({
          variant,
          valid: expected !== undefined,
        });
        if (expected) {
          accepted++;
          expect(actual).toEqual(expected);
          expect(Object.getPrototypeOf(actual)).toBe(target.prototype);
        }
      }
      // The variants exercise both verdicts.
      expect(accepted).toBeGreaterThan(1);
      expect(accepted).toBeLessThan(variants.length);
    },
  );

  it('checks again every value but the one a check last found valid', () => {
    const compiled = compileContract(CloudEventEnvelope)!;
    const valid = validSample(CloudEventEnvelope);
    const time = '2026-11-23T10:00:00.000Z';
    const long = 'x'.repeat(150); // within source's 200 characters, not type's 100
    expect(compiled.instantiate({ ...valid, time, source: long })).toBeDefined();
    // The same strings again: still valid.
    expect(compiled.instantiate({ ...valid, time, source: long })).toBeDefined();
    // What the checks remembered is no verdict on anything else, nor on another property.
    const { time: _time, ...withoutTime } = valid;
    for (const variant of [
      withoutTime,
      { ...valid, time: null },
      { ...valid, time: 1_700_000_000_000 },
      { ...valid, time: [time] },
      { ...valid, time: '2026-11-23T10:00:00.000' + 'Z'.repeat(2) },
      { ...valid, time: '2026-02-30T10:00:00.000Z' }, // no such day: the strict check says no
      { ...valid, type: long },
    ]) {
      expect({ variant, valid: compiled.instantiate(variant) !== undefined }).toEqual({
        variant,
        valid: reference(CloudEventEnvelope, variant) !== undefined,
      });
      expect(compiled.instantiate(variant)).toBeUndefined();
    }
    expect(compiled.instantiate({ ...valid, time })).toBeDefined();
  });

  it('leaves to class-validator a class it cannot mirror', () => {
    class Unvalidated {
      name?: string;
    }
    expect(compileContract(Unvalidated)).toBeUndefined();
  });
});
