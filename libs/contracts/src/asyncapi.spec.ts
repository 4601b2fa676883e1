import 'reflect-metadata';
import { Parser } from '@asyncapi/parser';
import type { MetadataStorage as TransformerMetadata } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudEventEnvelope } from './envelope';
import { EVENT_CONTRACTS } from './catalog';
import { ConsumerGroups, deadLetterTopicOf, Topics } from './topics';

// class-transformer keeps @Type() targets here; it has no public accessor for them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: TransformerMetadata;
};

/**
 * docs/asyncapi.yaml is the readable contract; the classes of this library are the enforced one.
 * These tests keep them the same: every event on its topic's channel, the same fields, the same
 * required fields, down to the nested objects.
 */
const ASYNCAPI_PATH = join(__dirname, '..', '..', '..', 'docs', 'asyncapi.yaml');

type JsonSchema = {
  type?: string;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  allOf?: JsonSchema[];
  const?: unknown;
};

interface SpecJson {
  channels: Record<
    string,
    { address: string; messages: Record<string, { name: string; payload: JsonSchema }> }
  >;
}

/** What class-validator validates on a class: every decorated property, and which are optional. */
function validatedProperties(target: Function): { all: string[]; required: string[] } {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  const all = [...new Set(metadata.map((m) => m.propertyName))].sort();
  const optional = new Set(
    metadata.filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName),
  );
  return { all, required: all.filter((p) => !optional.has(p)) };
}

function nestedClassOf(target: Function, property: string): Function | undefined {
  const nested = getMetadataStorage()
    .getTargetValidationMetadatas(target, '', true, false)
    .some((m) => m.propertyName === property && m.type === 'nestedValidation');
  if (!nested) return undefined;
  return defaultMetadataStorage.findTypeMetadata(target, property)?.typeFunction();
}

/** Differences between a class and a (dereferenced) object schema, recursively; empty when equal. */
function differences(target: Function, schema: JsonSchema | undefined, path: string): string[] {
  if (!schema?.properties) return [`${path}: no object schema for ${target.name}`];
  const expected = validatedProperties(target);
  const found: string[] = [];
  const documented = Object.keys(schema.properties).sort();
  if (expected.all.join() !== documented.join()) {
    found.push(
      `${path}: properties ${documented.join(',')} but ${target.name} validates ${expected.all.join(',')}`,
    );
  }
  const required = [...(schema.required ?? [])].sort();
  if (expected.required.join() !== required.join()) {
    found.push(
      `${path}: required ${required.join(',')} but ${target.name} requires ${expected.required.join(',')}`,
    );
  }
  for (const property of expected.all) {
    const nested = nestedClassOf(target, property);
    const propertySchema = schema.properties[property];
    if (!nested || !propertySchema) continue;
    const objectSchema = propertySchema.type === 'array' ? propertySchema.items : propertySchema;
    found.push(...differences(nested, objectSchema, `${path}.${property}`));
  }
  return found;
}

describe('docs/asyncapi.yaml', () => {
  const text = readFileSync(ASYNCAPI_PATH, 'utf8');
  let spec: SpecJson;

  beforeAll(async () => {
    const { document, diagnostics } = await new Parser().parse(text);
    if (!document) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    spec = document.json<SpecJson>();
  });

  it('is a valid AsyncAPI 3 document', async () => {
    const diagnostics = await new Parser().validate(text);
    const errors = diagnostics.filter((d) => Number(d.severity) === 0);
    expect(errors.map((d) => `${d.path.join('/')}: ${d.message}`)).toEqual([]);
    expect(text).toMatch(/^asyncapi: 3\.\d+\.\d+$/m);
  });

  it('has a channel for every topic, dead-letter topics included', () => {
    const addresses = Object.values(spec.channels).map((c) => c.address);
    const deadLetters = Object.values(ConsumerGroups).map(deadLetterTopicOf);
    expect(addresses).toEqual(expect.arrayContaining([...Object.values(Topics), ...deadLetters]));
  });

  it('has every contract as a message on the channel of its topic, and no other event', () => {
    const documented = Object.values(spec.channels)
      .filter((c) => (Object.values(Topics) as string[]).includes(c.address))
      .flatMap((c) => Object.values(c.messages).map((m) => `${c.address} ${m.name}`))
      .sort();
    const contracts = EVENT_CONTRACTS.map((c) => `${c.topic} ${c.type}`).sort();
    expect(documented).toEqual(contracts);
  });

  it.each(EVENT_CONTRACTS.map((c) => [c.type, c] as const))(
    '%s: the payload schema has the fields and required fields of the contract class',
    (_type, contract) => {
      const channel = Object.values(spec.channels).find((c) => c.address === contract.topic)!;
      const message = Object.values(channel.messages).find((m) => m.name === contract.type)!;
      const [envelope, specific] = message.payload.allOf ?? [];
      expect(specific.properties?.type?.const).toBe(contract.type);
      expect(differences(CloudEventEnvelope, envelope, `${contract.type} envelope`)).toEqual([]);
      expect(differences(contract, specific.properties?.data, `${contract.type}.data`)).toEqual([]);
    },
  );
});
