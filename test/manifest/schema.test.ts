import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const schema = (name: string) => JSON.parse(read(`manifests/schema/${name}.schema.json`)) as {
  properties: Record<string, unknown>;
  definitions: { overrides: { properties: Record<string, unknown> } };
};

describe('the published JSON Schemas', () => {
  for (const name of ['service', 'lambda']) {
    test(`${name}.schema.json is a draft-07 schema that compiles in strict mode`, () => {
      const ajv = new Ajv({ strict: true, allowUnionTypes: true });
      ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
      assert.equal(typeof ajv.compile(schema(name)), 'function');
    });

    test(`an environment in ${name}.schema.json may override every top-level field but the environment settings`, () => {
      const s = schema(name);
      const top = Object.keys(s.properties).filter((k) => k !== 'environments' && k !== 'defaultEnvironment');
      assert.deepEqual(Object.keys(s.definitions.overrides.properties), top);
    });

    test(`the shipped manifests/${name}.yml points editors at its schema`, () => {
      const first = read(`manifests/${name}.yml`).split('\n')[0];
      assert.equal(first, `# yaml-language-server: $schema=./schema/${name}.schema.json`);
    });
  }
});
