import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationTypes } from 'class-validator';
import { EVENT_CONTRACTS } from '../catalog';
import { MAX_AMOUNT_MINOR, MoneyDto, PriceLineDto, ReceiptDto } from './common';

type Constructor = new () => object;

/** The properties class-validator refuses in `plain` as a `target` (whitelisting as consumers do). */
function refused(target: Constructor, plain: Record<string, unknown>): string[] {
  return validateSync(plainToInstance(target, plain), { whitelist: true }).map((e) => e.property);
}

/** Numbers a money field must refuse: past the bigint column, past exact doubles, not integers. */
const UNSAFE = [1e20, 2 ** 53 + 1, 2 ** 53, MAX_AMOUNT_MINOR + 1, -1, 1.5, Infinity, NaN];

describe('money in the contracts', () => {
  it('an amount is an integer number of minor units from 0 to MAX_AMOUNT_MINOR', () => {
    for (const amountMinor of [0, 5400, MAX_AMOUNT_MINOR]) {
      expect(refused(MoneyDto, { amountMinor, currency: 'EUR' })).toEqual([]);
    }
    for (const amountMinor of [...UNSAFE, '5400', null]) {
      expect({ amountMinor, refused: refused(MoneyDto, { amountMinor, currency: 'EUR' }) }).toEqual(
        { amountMinor, refused: ['amountMinor'] },
      );
    }
  });

  it('leaves room for a tax rate: any amount times 10,000 basis points is a safe integer', () => {
    expect(Number.isSafeInteger(MAX_AMOUNT_MINOR * 10_000)).toBe(true);
  });

  it('every money field of a receipt and its lines is bounded the same way', () => {
    const line = {
      code: 'REACTIVATION_FEE',
      description: 'Reactivation fee',
      quantity: 1,
      unitAmountMinor: 4900,
      amountMinor: 4900,
      taxMinor: 850,
    };
    const receipt = {
      lines: [line],
      subtotalMinor: 4050,
      taxMinor: 850,
      totalMinor: 4900,
      currency: 'EUR',
      taxInclusive: true,
      taxRateBps: 2100,
    };
    expect(refused(ReceiptDto, receipt)).toEqual([]);
    for (const field of ['unitAmountMinor', 'amountMinor', 'taxMinor', 'quantity']) {
      for (const value of UNSAFE) {
        expect({
          field,
          value,
          refused: refused(PriceLineDto, { ...line, [field]: value }),
        }).toEqual({ field, value, refused: [field] });
      }
    }
    for (const field of ['subtotalMinor', 'taxMinor', 'totalMinor', 'taxRateBps']) {
      for (const value of [1e20, 2 ** 53 + 1, -1, Infinity]) {
        expect({
          field,
          value,
          refused: refused(ReceiptDto, { ...receipt, [field]: value }),
        }).toEqual({ field, value, refused: [field] });
      }
    }
  });
});

/** Every nested object a contract requires (not a list, not optional), by contract. */
function requiredNestedObjects(target: Constructor): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', false, false);
  const optional = new Set(
    metadata
      .filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION)
      .map((m) => m.propertyName),
  );
  return metadata
    .filter((m) => m.type === ValidationTypes.NESTED_VALIDATION && !m.each)
    .map((m) => m.propertyName)
    .filter((name) => !optional.has(name));
}

describe('required nested objects in every contract', () => {
  const cases = EVENT_CONTRACTS.flatMap((contract) =>
    requiredNestedObjects(contract).map((property) => [contract.type, property, contract] as const),
  );

  it('there are some (amount, customer, receipt, ...)', () => {
    expect(cases.map(([type, property]) => `${type}.${property}`)).toEqual(
      expect.arrayContaining([
        'PaymentCaptured.amount',
        'OrderPaid.customer',
        'OrderFulfilled.receipt',
      ]),
    );
  });

  it.each(cases)('%s refuses %s missing, null, a list or a scalar', (_type, property, contract) => {
    for (const value of [undefined, null, [], [{}], 'x', 5400]) {
      expect({ value, refused: refused(contract, { [property]: value }) }).toEqual({
        value,
        refused: expect.arrayContaining([property]),
      });
    }
  });
});

/** Every list of nested objects a contract requires (not optional), by contract. */
function requiredNestedLists(target: Constructor): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', false, false);
  const optional = new Set(
    metadata
      .filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION)
      .map((m) => m.propertyName),
  );
  return metadata
    .filter((m) => m.type === ValidationTypes.NESTED_VALIDATION && m.each)
    .map((m) => m.propertyName)
    .filter((name) => !optional.has(name));
}

describe('required lists of nested objects in every contract', () => {
  const cases = [...EVENT_CONTRACTS, ReceiptDto].flatMap((contract) =>
    requiredNestedLists(contract).map((property) => [contract.name, property, contract] as const),
  );

  it('there are some (receipt lines, restored licenses, ...)', () => {
    expect(cases.map(([name, property]) => `${name}.${property}`)).toEqual(
      expect.arrayContaining(['ReceiptDto.lines', 'EntitlementsRestored.licenses']),
    );
  });

  it.each(cases)(
    '%s refuses %s missing, null, an object or a scalar',
    (_name, property, contract) => {
      for (const value of [undefined, null, {}, 'x', 5400]) {
        expect({ value, refused: refused(contract, { [property]: value }) }).toEqual({
          value,
          refused: expect.arrayContaining([property]),
        });
      }
    },
  );
});
