import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printSchemaSdl } from '../src/graphql/schema.js';

describe('schema.graphql', () => {
  it('is the SDL printed from the Pothos schema (run `npm run schema` after changing the schema)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(printSchemaSdl());
  });

  it("accepts every GraphQL example of the README as written (enum values, arguments, fields)", () => {
    const schema = buildSchema(printSchemaSdl());
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').filter((line) => line.trim() !== ''));
    expect(blocks.length).toBeGreaterThan(4);
    for (const operation of blocks) expect(validate(schema, parse(operation)).map((e) => e.message), operation).toEqual([]);
  });
});
