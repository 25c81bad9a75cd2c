import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { safeEntryPath } from '../../scripts/init/code.ts';
import { serviceNameFor } from '../../scripts/init/manifest.ts';
import { fargateSizeFor } from '../../scripts/init/size.ts';
import { taskRoleFrom } from '../../scripts/init/task-role.ts';
import { splitVariables } from '../../scripts/init/variables.ts';

describe('init maps a function onto Fargate', () => {
  test('memory M gets the cheapest Fargate size with memory >= M and at least the CPU Lambda gives M (1 vCPU per 1,769 MB)', () => {
    const size = (m: number) => {
      const { cpu, memory } = fargateSizeFor(m);
      return [cpu, memory];
    };
    assert.deepEqual(size(128), [256, 512]);
    assert.deepEqual(size(512), [512, 1024], '512 MB is 0.29 vCPU: more than 256 units');
    assert.deepEqual(size(1769), [1024, 2048], 'exactly one vCPU');
    assert.deepEqual(size(1770), [2048, 4096], 'a little more than one vCPU');
    assert.deepEqual(size(3008), [2048, 4096]);
    assert.deepEqual(size(10240), [8192, 16384], '5.8 vCPU: 8 vCPU, whose smallest memory is 16 GiB');
  });

  test('variables that look like secrets are held back, by name or by value; the rest are copied', () => {
    const split = splitVariables({
      TABLE_NAME: 'orders',
      LOG_LEVEL: 'info',
      DB_PASSWORD: 'hunter2',
      STRIPE_KEY: 'sk_live_abcdefghijklmnop',
      DATABASE_URL: 'postgres://app:s3cret@db.internal:5432/app',
      GITHUB_TOKEN: 'x',
      RANDOM_BLOB: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZkFCQ0RFRg',
      SHORT_ID: 'abc123',
    });
    assert.deepEqual(split.plain, { LOG_LEVEL: 'info', SHORT_ID: 'abc123', TABLE_NAME: 'orders' });
    assert.deepEqual(
      split.secret.map((s) => [s.name, s.why]),
      [
        ['DATABASE_URL', 'the value is a URL with a password in it'],
        ['DB_PASSWORD', 'the name says it is a secret'],
        ['GITHUB_TOKEN', 'the name says it is a secret'],
        ['RANDOM_BLOB', 'the value is a long random-looking string'],
        ['STRIPE_KEY', 'the value has the shape of an API token'],
      ],
    );
  });

  test('the role becomes taskRole without the Lambda-only basic execution and VPC access policies', () => {
    const mapped = taskRoleFrom(
      {
        roleName: 'orders-role',
        attached: [
          { name: 'AWSLambdaBasicExecutionRole', arn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
          { name: 'AWSLambdaVPCAccessExecutionRole', arn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' },
          { name: 'AWSLambdaBasicExecutionRole-0f1e2d3c', arn: 'arn:aws:iam::123456789012:policy/service-role/AWSLambdaBasicExecutionRole-0f1e2d3c' },
          { name: 'AmazonS3ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' },
        ],
        inline: [
          {
            name: 'app',
            statements: [
              { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
              { Sid: 'Table', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders' },
            ],
          },
        ],
      },
      'arn:aws:iam::123456789012:role/orders-role',
    );
    assert.deepEqual(mapped.taskRole, {
      managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      statements: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders' }],
    });
    assert.equal(mapped.dropped.length, 4);
  });

  test('a role with only Lambda-only policies gives no taskRole; an unreadable one gives a note instead', () => {
    const onlyBasic = taskRoleFrom({ roleName: 'r', attached: [{ name: 'AWSLambdaBasicExecutionRole', arn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }], inline: [] }, 'arn:aws:iam::123456789012:role/r');
    assert.equal(onlyBasic.taskRole, undefined);
    const unreadable = taskRoleFrom(undefined, 'arn:aws:iam::123456789012:role/r', 'AccessDenied: no');
    assert.match(unreadable.notes[0]?.detail ?? '', /could not be read \(AccessDenied: no\)/);
  });

  test('a function name becomes a service name the loader takes, short enough for the role names', () => {
    assert.equal(serviceNameFor('Orders_API', 'test'), 'orders-api');
    assert.equal(serviceNameFor('2fast', 'test'), 'fn-2fast');
    const long = serviceNameFor('a'.repeat(64), 'prod');
    assert.equal(`${long}-prod-exec`.length, 64);
  });

  test('a zip entry may not leave the function folder', () => {
    assert.equal(safeEntryPath('/p/functions/x', 'index.js'), '/p/functions/x/index.js');
    assert.equal(safeEntryPath('/p/functions/x', 'lib/a.js'), '/p/functions/x/lib/a.js');
    assert.equal(safeEntryPath('/p/functions/x', '../evil.js'), undefined);
    assert.equal(safeEntryPath('/p/functions/x', 'a/../../x2/evil.js'), undefined);
    assert.equal(safeEntryPath('/p/functions/x', '/etc/passwd'), undefined);
  });
});
