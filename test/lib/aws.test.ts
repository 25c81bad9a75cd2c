import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isReadOperation, resolveRegion } from '../../scripts/lib/aws.ts';

const config = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'l2f-aws-')), 'config');
  writeFileSync(file, text);
  return file;
};

const CONFIG = `[default]
region = eu-west-1

[profile work]  # a comment
output = json
region=eu-west-3

[profile other]
output = json
`;

test('AWS_REGION wins over AWS_DEFAULT_REGION and the shared config file', () => {
  const file = config(CONFIG);
  assert.equal(resolveRegion({ AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-west-2', AWS_CONFIG_FILE: file }), 'us-east-1');
  assert.equal(resolveRegion({ AWS_DEFAULT_REGION: 'us-west-2', AWS_CONFIG_FILE: file }), 'us-west-2');
});

test('without a region variable the region of AWS_PROFILE in the shared config file is used', () => {
  const file = config(CONFIG);
  assert.equal(resolveRegion({ AWS_PROFILE: 'work', AWS_CONFIG_FILE: file }), 'eu-west-3');
  assert.equal(resolveRegion({ AWS_CONFIG_FILE: file }), 'eu-west-1');
});

test('a profile without a region, or no config at all, is an error that says how to set one', () => {
  const file = config(CONFIG);
  assert.throws(() => resolveRegion({ AWS_PROFILE: 'other', AWS_CONFIG_FILE: file }), /AWS region: none is set — set AWS_REGION/);
  assert.throws(() => resolveRegion({ AWS_CONFIG_FILE: join(tmpdir(), 'l2f-no-such-config') }), /AWS region: none is set/);
});

test('Describe, Get, List and BatchGet calls count as reads and everything else as a write', () => {
  for (const op of ['DescribeServices', 'GetRole', 'ListTasks', 'BatchGetImage', 'FilterLogEvents']) assert.equal(isReadOperation(op), true, op);
  for (const op of ['CreateService', 'UpdateService', 'RegisterTaskDefinition', 'PutLifecyclePolicy', 'TagResource']) assert.equal(isReadOperation(op), false, op);
});
