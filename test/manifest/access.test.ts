import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseSecretRef } from '../../scripts/manifest/access.ts';
import { ManifestError, loadServiceManifest } from '../../scripts/manifest/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'l2f-access-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Writes the YAML lines as a manifest with an image location (nothing to build) and loads it. */
function manifest(lines: string[]): string {
  const file = join(dir, `service-${++n}.yml`);
  writeFileSync(file, ['name: web', 'image:', '  location: example.com/web:1', ...lines, ''].join('\n'));
  return file;
}

/** The problems a manifest is refused with, as `line:col: path: message`. */
async function problems(lines: string[], env?: string): Promise<string[]> {
  try {
    await loadServiceManifest(manifest(lines), env);
  } catch (err) {
    if (err instanceof ManifestError) return err.problems.map((p) => `${p.line}:${p.col}: ${p.path}: ${p.message}`);
    throw err;
  }
  assert.fail('the manifest was accepted');
}

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:web/db-AbCdEf';

describe('secrets in the manifest', () => {
  test('a parameter name, a parameter ARN and a secret ARN with a JSON key each resolve to where the value lives', async () => {
    const svc = await loadServiceManifest(
      manifest([
        'secrets:',
        '  API_KEY: /web/api-key',
        '  TOKEN: plain-name',
        '  OTHER: arn:aws:ssm:eu-west-1:123456789012:parameter/shared/other',
        `  DB_PASSWORD: "${SECRET}:password::"`,
        `  DB_ALL: ${SECRET}`,
        'secretsKmsKey: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      ]),
    );
    assert.deepEqual(svc.secrets, {
      API_KEY: { store: 'ssm', written: '/web/api-key', path: 'web/api-key' },
      TOKEN: { store: 'ssm', written: 'plain-name', path: 'plain-name' },
      OTHER: { store: 'ssm', written: 'arn:aws:ssm:eu-west-1:123456789012:parameter/shared/other', path: 'shared/other', arn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/shared/other' },
      DB_PASSWORD: { store: 'secretsmanager', written: `${SECRET}:password::`, secretArn: SECRET, jsonKey: 'password' },
      DB_ALL: { store: 'secretsmanager', written: SECRET, secretArn: SECRET },
    });
    assert.deepEqual(svc.secretsKmsKeys, ['arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab']);
  });

  test('a manifest without secrets or taskRole resolves as before: no such fields', async () => {
    const svc = await loadServiceManifest(manifest(['variables:', '  A: b']));
    assert.equal('secrets' in svc, false);
    assert.equal('taskRole' in svc, false);
    assert.equal('secretsKmsKeys' in svc, false);
    assert.equal(svc.names.taskRole, 'web-default-task');
  });

  test('a name used both as a variable and as a secret is bad input at the secret’s key', async () => {
    assert.deepEqual(await problems(['variables:', '  DB_PASSWORD: hunter2', 'secrets:', '  DB_PASSWORD: /web/db']), [
      '7:3: secrets.DB_PASSWORD: "DB_PASSWORD" is also set under variables — a variable is either plain or a secret; remove one of the two',
    ]);
  });

  test('the same collision made by an environment is reported where the environment wrote it', async () => {
    const got = await problems(['secrets:', '  TOKEN: /web/token', 'environments:', '  prod:', '    variables:', '      TOKEN: x'], 'prod');
    assert.deepEqual(got, ['5:3: secrets.TOKEN: "TOKEN" is also set under variables — a variable is either plain or a secret; remove one of the two']);
  });

  test('malformed references are bad input at their value, each saying what to write', async () => {
    const got = await problems([
      'secrets:',
      '  A: arn:aws:secretsmanager:us-east-1:123456789012:secret:web/db-AbCdEf:password',
      '  B: arn:aws:s3:::bucket/key',
      '  C: web/no-leading-slash',
      '  D: arn:aws:ssm:us-east-1:123:parameter/x',
      '  E: "has space"',
      '  HOST: /web/host',
    ]);
    assert.deepEqual(got, [
      '5:6: secrets.A: has 1 part after the secret\'s ARN; ECS takes either none or all three, :json-key:version-stage:version-id, each of them may be empty (e.g. <arn>:password:: for the JSON key "password")',
      '6:6: secrets.B: is an ARN of "s3"; ECS reads secrets from Parameter Store (arn:aws:ssm:…:parameter/…) or Secrets Manager (arn:aws:secretsmanager:…:secret:…) only',
      '7:6: secrets.C: names a parameter in a hierarchy without its leading / — write /web/no-leading-slash (Parameter Store names with levels start with /); a Secrets Manager secret needs its full ARN',
      '8:6: secrets.D: is not a Parameter Store parameter ARN — write arn:aws:ssm:<region>:<account id>:parameter/<name> (the name without its leading /), or just the parameter\'s name',
      '9:6: secrets.E: must be a parameter name or an ARN, without spaces; got the text "has space"',
      '10:3: secrets.HOST: the deploy sets HOST itself — give the secret another name',
    ]);
  });

  test('a KMS alias cannot be granted kms:Decrypt through: the key ARN is asked for', async () => {
    assert.deepEqual(await problems(['secrets:', '  A: /web/a', 'secretsKmsKey: [arn:aws:kms:us-east-1:123456789012:alias/web]']), [
      '6:17: secretsKmsKey[0]: names a KMS alias; the execution role\'s policy needs the key\'s ARN (`aws kms describe-key --key-id <alias>` shows it as KeyMetadata.Arn)',
    ]);
  });

  test('a Secrets Manager ARN takes the three optional parts written out, empty ones included', () => {
    assert.deepEqual(parseSecretRef(`${SECRET}::AWSPREVIOUS:`), { store: 'secretsmanager', written: `${SECRET}::AWSPREVIOUS:`, secretArn: SECRET });
    assert.ok('problem' in parseSecretRef(`${SECRET}:a:b`));
    assert.ok('problem' in parseSecretRef('arn:aws:secretsmanager:us-east-1:123456789012:parameter/x'));
  });
});

describe('taskRole in the manifest', () => {
  test('managed policies and statements make the role the tool keeps', async () => {
    const svc = await loadServiceManifest(
      manifest([
        'taskRole:',
        '  managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]',
        '  statements:',
        '    - Effect: Allow',
        '      Action: [dynamodb:GetItem, dynamodb:Query]',
        '      Resource: arn:aws:dynamodb:us-east-1:123456789012:table/web',
      ]),
    );
    assert.deepEqual(svc.taskRole, {
      kind: 'owned',
      managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      statements: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/web' }],
    });
  });

  test('an environment naming an existing role replaces the base’s policies', async () => {
    const svc = await loadServiceManifest(
      manifest([
        'taskRole:',
        '  statements: [{ Effect: Allow, Action: "s3:GetObject", Resource: "*" }]',
        'environments:',
        '  prod:',
        '    taskRole: { arn: "arn:aws:iam::123456789012:role/web-prod-app" }',
      ]),
      'prod',
    );
    assert.deepEqual(svc.taskRole, { kind: 'existing', arn: 'arn:aws:iam::123456789012:role/web-prod-app' });
  });

  test('an ARN beside policies, a statement without Resource and a bad action are bad input', async () => {
    const got = await problems([
      'taskRole:',
      '  arn: arn:aws:iam::123456789012:role/app',
      '  managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]',
    ]);
    assert.deepEqual(got, ['5:8: taskRole.arn: taskRole has both arn and policies — keep arn to use an existing role as it is, or managedPolicies/statements for a role the tool creates']);
    const more = await problems(['taskRole:', '  statements:', '    - Effect: Allow', '      Action: s3 GetObject', '      Resource: "*"', '    - Effect: Allow', '      Action: "s3:GetObject"']);
    assert.deepEqual(more, [
      '7:15: taskRole.statements[0].Action: must be an action such as s3:GetObject (service:Action, * and ? allowed); got the text "s3 GetObject"',
      '9:7: taskRole.statements[1]: says no Resource — a statement in a role\'s policy takes one of them (* for every resource)',
    ]);
  });

  test('an empty taskRole says what it needs', async () => {
    assert.deepEqual(await problems(['taskRole: {}']), ['4:1: taskRole: says neither arn (an existing role) nor managedPolicies/statements (for a role the tool creates)']);
  });
});
