import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { startFakeAws, type FakeAws } from './index.ts';
import { rejection, sdkClients } from './sdk.ts';
import { compileJavaPattern } from './validation/java-regex.ts';
import { modelsDir } from './validation/model.ts';
import type { ServiceDef } from './service.ts';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const IAM_DESCRIPTION = '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*';
const models = modelsDir();

// Every request below breaks a rule on purpose: `expectInvalid` keeps them out of the suite's final check.
async function fakeFor(mode: 'models' | 'table'): Promise<FakeAws> {
  const saved = process.env.L2F_AWS_MODELS;
  if (mode === 'table') process.env.L2F_AWS_MODELS = 'none';
  const fake = await startFakeAws();
  if (saved === undefined) delete process.env.L2F_AWS_MODELS;
  else process.env.L2F_AWS_MODELS = saved;
  fake.expectInvalid({ count: Infinity });
  return fake;
}

describe('requests that break AWS rules are answered as AWS answers them', { skip: models ? false : 'no ../shared/aws-models here: the model-driven checks cannot run' }, () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  before(async () => {
    fake = await fakeFor('models');
    aws = sdkClients(fake);
  });
  after(() => fake.stop());

  test('the fake says it validates against the models', () => {
    assert.deepEqual(fake.validator.source, { kind: 'models', dir: models });
  });

  test('IAM: an em dash in a role description is a ValidationError naming the member and the pattern', async () => {
    const err = await rejection(aws.iam.send(new CreateRoleCommand({ RoleName: 'r1', AssumeRolePolicyDocument: TRUST, Description: 'role — managed' })));
    assert.equal(err.name, 'ValidationError');
    assert.equal(err.$metadata?.httpStatusCode, 400);
    assert.equal(err.message, `1 validation error detected: Value 'role — managed' at 'description' failed to satisfy constraint: Member must satisfy regular expression pattern: ${IAM_DESCRIPTION}`);
    assert.equal(fake.iam.roles.size, 0);
  });

  test('IAM: several broken members are listed together, list items by their 1-based member path', async () => {
    const err = await rejection(aws.iam.send(new CreateRoleCommand({ RoleName: 'bad name', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'team', Value: "Jane's team" }] })));
    assert.equal(
      err.message,
      "2 validation errors detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; " +
        "Value 'Jane's team' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
    );
  });

  test('Logs: a bad group name and a bad tag value are InvalidParameterException; a map reports its values as one constraint', async () => {
    const err = await rejection(aws.logs.send(new CreateLogGroupCommand({ logGroupName: '/ok/name', tags: { team: '(prod)' } })));
    assert.equal(err.name, 'InvalidParameterException');
    assert.equal(err.message, "1 validation error detected: Value '{team=(prod)}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$]");
    const name = await rejection(aws.logs.send(new CreateLogGroupCommand({ logGroupName: 'a b' })));
    assert.match(name.message, /^1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: /);
  });

  test('ECR: a repository name with capitals gets ECR\'s own form of the message', async () => {
    const err = await rejection(aws.ecr.send(new CreateRepositoryCommand({ repositoryName: 'Hello' })));
    assert.equal(err.name, 'InvalidParameterException');
    assert.match(err.message, /^Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '.+''$/);
  });

  test('ECS: a missing required member is "must not be null"', async () => {
    const err = await rejection(aws.ecs.send(new DescribeTasksCommand({ cluster: 'c' } as never)));
    assert.equal(err.name, 'InvalidParameterException');
    assert.equal(err.message, "1 validation error detected: Value null at 'tasks' failed to satisfy constraint: Member must not be null");
  });

  test('EC2: a missing parameter is MissingParameter, a bad value InvalidParameterValue', async () => {
    const missing = await rejection(aws.ec2.send(new CreateSecurityGroupCommand({ Description: 'ok' } as never)));
    assert.equal(missing.name, 'MissingParameter');
    assert.equal(missing.message, 'The request must contain the parameter GroupName');
  });

  test('REST locations: a rest-json path label and a rest-xml path label are checked by their model member', async () => {
    const rest = (protocol: 'rest-json' | 'rest-xml', route: string, op: string): ServiceDef => ({ protocol, xmlns: '', routes: { [route]: op }, ops: { [op]: () => ({}) } });
    fake.register('lambda', rest('rest-json', 'GET /2015-03-31/functions/{FunctionName}', 'GetFunction'));
    fake.register('route53', rest('rest-xml', 'GET /2013-04-01/hostedzone/{Id}', 'GetHostedZone'));
    const config = { region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
    const fn = await rejection(new LambdaClient(config).send(new GetFunctionCommand({ FunctionName: 'has space' })));
    assert.equal(fn.name, 'ValidationException');
    assert.match(fn.message, /^1 validation error detected: Value 'has space' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: /);
    const zone = await rejection(new Route53Client(config).send(new GetHostedZoneCommand({ Id: 'Z'.repeat(33) })));
    assert.equal(zone.name, 'InvalidInput');
    assert.equal(zone.message, `1 validation error detected: Value '${'Z'.repeat(33)}' at 'id' failed to satisfy constraint: Member must have length less than or equal to 32`);
  });

  test('every refusal is recorded with its rule, and as deliberate when the test said so', () => {
    assert.ok(fake.violations.answered.length >= 8);
    assert.ok(fake.violations.answered.every((v) => v.deliberate));
    assert.deepEqual(fake.violations.answered[0]?.violations.map((v) => v.rule), ['model:iam:roleDescriptionType.pattern']);
  });
});

describe('rules documented by AWS but absent from its models (enforced in both modes)', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  before(async () => {
    fake = await fakeFor(models ? 'models' : 'table');
    aws = sdkClients(fake);
  });
  after(() => fake.stop());

  test('EC2: an apostrophe or an em dash in a security group description is refused', async () => {
    const vpc = [...fake.ec2.vpcs.values()][0]?.vpcId;
    const dash = await rejection(aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'g1', Description: 'web — public', VpcId: vpc })));
    assert.equal(dash.name, 'InvalidParameterValue');
    assert.equal(dash.message, 'Value (web — public) for parameter GroupDescription is invalid. Character sets beyond ASCII are not supported.');
    const quote = await rejection(aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'g1', Description: "the manifest's CIDRs", VpcId: vpc })));
    assert.equal(quote.name, 'InvalidParameterValue');
    assert.equal(fake.ec2.groups.size, 1, 'only the default group');
  });

  test('EC2: a rule description with a curly quote is refused', async () => {
    const group = [...fake.ec2.groups.values()][0]?.groupId;
    const err = await rejection(aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'it’s public' }] }] })));
    assert.equal(err.name, 'InvalidParameterValue');
    assert.match(err.message, /IpPermissions\.1\.IpRanges\.1\.Description/);
  });

  test('ECS: DescribeTasks takes at most 100 tasks', async () => {
    const tasks = Array.from({ length: 101 }, (_, i) => `t${i}`);
    const err = await rejection(aws.ecs.send(new DescribeTasksCommand({ cluster: 'c', tasks })));
    assert.equal(err.name, 'InvalidParameterException');
    assert.equal(err.message, 'taskIds can have at most 100 items.');
  });

  test('ECR: a tag value with parentheses is InvalidTagParameterException', async () => {
    const err = await rejection(aws.ecr.send(new CreateRepositoryCommand({ repositoryName: 'hello', tags: [{ Key: 'team', Value: '(prod)' }] })));
    assert.equal(err.name, 'InvalidTagParameterException');
    assert.equal(fake.ecr.repositories.size, 0);
  });
});

describe("without AWS's models the repository's own table still enforces the tool's fields", () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  before(async () => {
    fake = await fakeFor('table');
    aws = sdkClients(fake);
  });
  after(() => fake.stop());

  test('the fake says it validates against the table', () => {
    assert.deepEqual(fake.validator.source, { kind: 'table' });
  });

  test('IAM: the em dash in a role description is refused with the same words', async () => {
    const err = await rejection(aws.iam.send(new CreateRoleCommand({ RoleName: 'r1', AssumeRolePolicyDocument: TRUST, Description: 'role — managed' })));
    assert.equal(err.name, 'ValidationError');
    assert.equal(err.message, `1 validation error detected: Value 'role — managed' at 'description' failed to satisfy constraint: Member must satisfy regular expression pattern: ${IAM_DESCRIPTION}`);
    assert.deepEqual(fake.violations.answered.at(-1)?.violations.map((v) => v.rule), ['table:iam-role-description']);
  });

  test('Logs: a tag map value and ECR: a repository name', async () => {
    const tag = await rejection(aws.logs.send(new CreateLogGroupCommand({ logGroupName: '/x', tags: { team: "Jane's" } })));
    assert.equal(tag.name, 'InvalidParameterException');
    assert.match(tag.message, /at 'tags\.team' failed to satisfy constraint: Member must satisfy regular expression pattern/);
    const repo = await rejection(aws.ecr.send(new CreateRepositoryCommand({ repositoryName: 'Hello' })));
    assert.equal(repo.name, 'InvalidParameterException');
  });
});

describe("AWS's Java patterns in JavaScript", () => {
  const matches = (p: string, v: string) => {
    const c = compileJavaPattern(p);
    assert.ok('re' in c, `compiles: ${p}`);
    return c.re.test(v);
  };

  test('\\p{L} and friends match letters of any script; the whole value must match', () => {
    assert.equal(matches('[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*', 'Jöse 東京 1'), true);
    assert.equal(matches('[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*', 'a,b'), false);
    assert.equal(matches('[a-z]+', 'abc1'), false);
  });

  test('Java-only escapes and POSIX classes translate', () => {
    assert.equal(matches('[\\p{Alnum}\\_\\:]+', 'a_b:9'), true);
    assert.equal(matches('\\p{Alnum}+', 'a-b'), false);
    assert.equal(matches('\\Qa.b\\E', 'a.b'), true);
    assert.equal(matches('\\Qa.b\\E', 'axb'), false);
    assert.equal(matches('(?i)abc', 'ABC'), true);
  });

  test('a quantifier after a POSIX class is a quantifier, not a possessive mark (Application Auto Scaling PolicyName: \\p{Print}+)', () => {
    assert.equal(matches('\\p{Print}+', 'cpu'), true);
    assert.equal(matches('\\p{Print}+', ''), false);
    assert.equal(matches('a{2}+', 'aa'), true, 'a{2}+ is possessive: the same whole-value match');
  });

  test('what cannot be translated is reported, not guessed', () => {
    const c = compileJavaPattern('[a-z&&[^b]]+');
    assert.ok('error' in c);
  });
});
