import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { lambdaDefaults } from '../../scripts/manifest/lambda.ts';
import { serviceDefaults } from '../../scripts/manifest/service.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
type Schema = { properties: Record<string, unknown>; definitions: Record<string, Schema & { default?: unknown }> };
const schema = (name: string) => JSON.parse(read(`manifests/schema/${name}.schema.json`)) as Schema;

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
      assert.deepEqual(Object.keys(s.definitions.overrides?.properties ?? {}), top);
    });

    test(`the shipped manifests/${name}.yml points editors at its schema`, () => {
      assert.equal(read(`manifests/${name}.yml`).split('\n')[0], `# yaml-language-server: $schema=./schema/${name}.schema.json`);
    });
  }

  test('the defaults editors show are the defaults the loader fills in', () => {
    const d = schema('service').definitions;
    const field = (def: string, ...path: string[]) => path.reduce<Schema & { default?: unknown }>((s, k) => s.properties[k] as Schema, d[def]!).default;
    assert.deepEqual(
      [d.platform?.default, d.cpu?.default, d.memory?.default, d.count?.default, field('image', 'port'), field('logging', 'retention')],
      [serviceDefaults.platform, serviceDefaults.cpu, serviceDefaults.memory, serviceDefaults.count, serviceDefaults.port, serviceDefaults.retention],
    );
    assert.deepEqual([field('network', 'publicIp'), field('network', 'allowedCidrs')], [serviceDefaults.publicIp, serviceDefaults.allowedCidrs]);
    assert.deepEqual(
      [field('deployment', 'rollback'), field('deployment', 'timeout'), field('deployment', 'keepImages')],
      [serviceDefaults.rollback, serviceDefaults.timeout, serviceDefaults.keepImages],
    );
    const h = serviceDefaults.healthcheck;
    assert.deepEqual(
      ['interval', 'timeout', 'retries', 'startPeriod'].map((k) => field('healthcheck', k)),
      [h.interval, h.timeout, h.retries, h.startPeriod],
    );
  });

  test('the Lambda defaults are template.yaml\'s, and the schema allows exactly its parameters', () => {
    const template = parse(read('template.yaml'), { logLevel: 'silent' }) as { Parameters: Record<string, { Default: unknown }> };
    const fromTemplate = Object.fromEntries(Object.entries(template.Parameters).map(([k, p]) => [k, String(p.Default)]));
    assert.deepEqual(lambdaDefaults, fromTemplate);
    const params = schema('lambda').definitions.parameters?.properties ?? {};
    assert.deepEqual(Object.keys(params).sort(), Object.keys(fromTemplate).sort());
  });
});
