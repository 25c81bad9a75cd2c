import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ManifestError, formatProblem, loadLambdaManifest, loadServiceManifest } from '../../scripts/manifest/index.ts';

const DIR = fileURLToPath(new URL('fixtures/bad', import.meta.url));
const fixture = (name: string) => relative(process.cwd(), `${DIR}/${name}.yml`);

interface Case {
  name: string;
  env?: string;
  /** every problem in the file, in order, as `line:col: path: message` */
  problems: string[];
}

const TAG_HINT = 'must be letters, digits, spaces and _ . : / = + - @ only (the tag value rule of IAM, ECS and CloudWatch Logs; ECR also refuses ( ) and ,)';

const EMPTY_VARIABLE = 'is empty — ECS does not store a variable whose value is empty, so the app would see it unset (and every deploy would register a new revision); give it a value or remove it';

// Each fixture under fixtures/bad is one broken manifest; the loader must report exactly these lines.
const cases: Case[] = [
  { name: 'build-context-missing', problems: [
    `4:14: image.build.context: the build context ${DIR}/no-such-folder is not a folder — paths are relative to the manifest's folder (${DIR})`,
  ] },
  { name: 'cidr-host-bits', problems: [
    '5:18: network.allowedCidrs[0]: "203.0.113.7/24" has bits set after the first 24 — did you mean 203.0.113.0/24?',
  ] },
  { name: 'cidr-malformed', problems: [
    '7:7: network.allowedCidrs[1]: "300.1.2.0/24" is not an IPv4 CIDR — write a.b.c.d/n with each number 0–255 and n 0–32 (e.g. 203.0.113.0/24, or 0.0.0.0/0 for everyone)',
  ] },
  { name: 'cidr-no-prefix', problems: [
    '5:18: network.allowedCidrs[0]: "203.0.113.7" has no prefix length — write 203.0.113.7/32 for this one address',
  ] },
  { name: 'comments-only', problems: [
    '1:1: the file is empty — a manifest needs at least its required fields (see manifests/schema/)',
  ] },
  { name: 'cpu-not-fargate', problems: [
    '4:6: cpu: must be one of 256, 512, 1024, 2048, 4096, 8192, 16384; got the number 300',
  ] },
  { name: 'custom-tag', problems: [
    '4:6: cpu: YAML: Unresolved tag: !Ref — manifests take plain values, no custom tags',
  ] },
  { name: 'default-environment-unknown', problems: [
    '4:21: defaultEnvironment: "staging" is not one of the environments (test, prod)',
  ] },
  { name: 'dockerfile-missing', problems: [
    `5:17: image.build.dockerfile: ${DIR}/Dockerfile.nope does not exist — paths are relative to the manifest's folder (${DIR})`,
  ] },
  { name: 'duplicate-key-in-environment', problems: [
    '7:5: environments.prod.count: duplicate key — "count" is already set at line 6; keep one of them',
  ] },
  { name: 'duplicate-key', problems: [
    '6:1: cpu: duplicate key — "cpu" is already set at line 4; keep one of them',
  ] },
  { name: 'duration-out-of-range', problems: [
    '6:13: healthcheck.interval: must be from 5s to 5m, got 1s',
    '8:12: deployment.timeout: must be from 30s to 6h, got 10s',
  ] },
  { name: 'duration-without-unit', problems: [
    '6:13: healthcheck.interval: must be a duration such as 30s, 5m or 1h30m, got the number 30 — write 30s for 30 seconds',
  ] },
  { name: 'empty', problems: [
    '1:1: the file is empty — a manifest needs at least its required fields (see manifests/schema/)',
  ] },
  { name: 'healthcheck-path-and-command', problems: [
    '6:12: healthcheck.command: healthcheck has both path and command — keep one',
  ] },
  { name: 'image-build-and-location', problems: [
    '5:13: image.location: image has both build and location — keep build to build the image here, or location to run an existing image',
  ] },
  { name: 'image-neither', problems: [
    '2:1: image: says neither what to build nor what to run — add image.build (context, dockerfile) or image.location (an existing image URI)',
  ] },
  { name: 'lambda-tag-empty', problems: [
    '3:9: tags.team: must not be empty',
    `4:10: tags.owner: ${TAG_HINT}; got the text "Jane's team"`,
  ] },
  { name: 'lambda-bad', problems: [
    '1:12: stackName: must be letters, digits and hyphens, starting with a letter (CloudFormation stack names); got the text "9lives"',
    '3:17: parameters.Architecture: must be one of arm64, x86_64; got the text "amd64" — did you mean "x86_64"?',
    '4:3: parameters.MemroySize: unknown field — did you mean "MemorySize"? (allowed here: Architecture, MemorySize, Timeout, AuthType, LogRetentionInDays)',
    '5:12: parameters.Timeout: must be from 1 to 900, got the number 901',
    '9:27: environments.prod.parameters.LogRetentionInDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653; got the number 10',
  ] },
  { name: 'many-problems', problems: [
    '4:9: image.port: must be from 1 to 65535, got the number 0',
    '5:11: platform: must be one of linux/x86_64, linux/arm64; got the text "arm" — did you mean "linux/arm64"?',
    '7:9: memory: 3072 MiB is too much for cpu 256 — with cpu 256 Fargate takes memory 512, 1024 or 2048; 3072 MiB runs with cpu 512 or 1024',
    '9:18: network.allowedCidrs[0]: "0.0.0.0/33" has a prefix length over 32 — n in a.b.c.d/n is 0–32',
    '11:14: logging.retention: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653; got the number 10',
    '14:5: environments.prod.memroy: unknown field — did you mean "memory"? (allowed here: name, image, platform, cpu, memory, count, variables, taskRole, secrets, secretsKmsKey, healthcheck, logging, network, deployment, tags, loadBalancer, scaling)',
  ] },
  { name: 'memory-in-environment', problems: [
    '9:10: environments.prod.cpu: 1024 MiB is too little for cpu 2048 — with cpu 2048 Fargate takes memory 4096 to 16384 in steps of 1024; 1024 MiB runs with cpu 256 or 512',
  ] },
  { name: 'memory-off-step-large', problems: [
    '5:9: memory: 18432 MiB is not a size Fargate offers for cpu 8192 — with cpu 8192 Fargate takes memory 16384 to 61440 in steps of 4096; 18432 MiB runs with cpu 4096',
  ] },
  { name: 'memory-off-step', problems: [
    '5:9: memory: 1536 MiB is not a size Fargate offers for cpu 512 — with cpu 512 Fargate takes memory 1024 to 4096 in steps of 1024',
  ] },
  { name: 'memory-too-little', problems: [
    '5:9: memory: 1024 MiB is too little for cpu 1024 — with cpu 1024 Fargate takes memory 2048 to 8192 in steps of 1024; 1024 MiB runs with cpu 256 or 512',
  ] },
  { name: 'memory-too-much', problems: [
    '5:9: memory: 4096 MiB is too much for cpu 256 — with cpu 256 Fargate takes memory 512, 1024 or 2048; 4096 MiB runs with cpu 512, 1024 or 2048',
  ] },
  { name: 'missing-required', problems: [
    '1:1: image: missing — this field is required',
    '1:1: name: missing — this field is required',
  ] },
  { name: 'name-bad-characters', problems: [
    '1:7: name: must be lower-case letters, digits and single hyphens, starting with a letter (e.g. hello-api); got the text "Hello_World"',
  ] },
  { name: 'name-too-long-in-environment', problems: [
    '7:11: environments.prod.name: "the-hello-service-with-a-name-long-enough-to-break-iam-limits" in environment "prod" makes the IAM role name "the-hello-service-with-a-name-long-enough-to-break-iam-limits-prod-exec" 71 characters long; IAM role names allow at most 64 — shorten the name or the environment name by 7',
  ] },
  { name: 'name-too-long', problems: [
    '1:7: name: "a-rather-long-service-name-for-one-small-hello-app-x" in environment "default" makes the IAM role name "a-rather-long-service-name-for-one-small-hello-app-x-default-exec" 65 characters long; IAM role names allow at most 64 — shorten the name or the environment name by 1',
  ] },
  { name: 'no-dockerfile-in-context', problems: [
    `4:14: image.build.context: no Dockerfile in the build context ${DIR} — add one there or set image.build.dockerfile (relative to ${DIR})`,
  ] },
  { name: 'not-a-map', problems: [
    '1:1: must be a map of fields, got a list',
  ] },
  { name: 'platform-amd64', problems: [
    '4:11: platform: must be one of linux/x86_64, linux/arm64; got the text "linux/amd64" — did you mean "linux/x86_64"?',
  ] },
  { name: 'port-out-of-range', problems: [
    '4:9: image.port: must be from 1 to 65535, got the number 70000',
  ] },
  { name: 'port-variable', problems: [
    '6:3: variables.PORT: the container gets PORT=8080 from image.port — set image.port instead',
  ] },
  { name: 'private-without-subnets', problems: [
      "5:13: network.publicIp: false needs network.subnets — without a public IP, a task in the default VPC's public subnets cannot pull its image; list private subnets that reach the internet through a NAT gateway (or VPC endpoints)",
  ] },
  { name: 'reserved-tag', problems: [
    '6:3: tags.managed-by: reserved — the tool sets managed-by and lambda2fargate:* itself to know what it owns; use another key',
  ] },
  { name: 'retention-invalid', problems: [
    '5:14: logging.retention: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653; got the number 15',
  ] },
  { name: 'second-document', problems: [
    '4:1: a second YAML document (after ---) — a manifest is one document; remove the --- line and what follows or move it to its own file',
  ] },
  { name: 'syntax-bad-indent', problems: [
    '3:13: YAML syntax: Nested mappings are not allowed in compact mappings — check the indentation, quotes and brackets on this line and the one before',
  ] },
  { name: 'syntax-unclosed-flow', problems: [
    '3:1: YAML syntax: Flow map in block collection must be sufficiently indented and end with a } — check the indentation, quotes and brackets on this line and the one before',
  ] },
  { name: 'tag-value-charset', problems: [
    `5:10: tags.owner: ${TAG_HINT}; got the text "Jane's team"`,
    `6:9: tags.tier: ${TAG_HINT}; got the text "(prod)"`,
    `7:10: tags.teams: ${TAG_HINT}; got the text "a,b"`,
  ] },
  { name: 'tab-indent', problems: [
    '3:1: YAML syntax: a tab used for indentation — YAML indents with spaces',
  ] },
  { name: 'unknown-environment', env: 'staging', problems: [
    '4:1: environments: unknown environment "staging" (from ENV) — this file defines test, prod',
  ] },
  { name: 'unknown-key-in-environment', problems: [
    '6:5: environments.prod.cpus: unknown field — did you mean "cpu"? (allowed here: name, image, platform, cpu, memory, count, variables, taskRole, secrets, secretsKmsKey, healthcheck, logging, network, deployment, tags, loadBalancer, scaling)',
  ] },
  { name: 'unknown-key-misplaced', problems: [
    '4:1: retention: unknown field — did you mean "logging.retention"? (allowed here: name, image, platform, cpu, memory, count, variables, taskRole, secrets, secretsKmsKey, healthcheck, logging, network, deployment, tags, loadBalancer, scaling, defaultEnvironment, environments)',
  ] },
  { name: 'unknown-key-nested', problems: [
    '4:3: image.prot: unknown field — did you mean "port"? (allowed here: build, location, port)',
  ] },
  { name: 'unknown-key-typo', problems: [
    '4:1: memroy: unknown field — did you mean "memory"? (allowed here: name, image, platform, cpu, memory, count, variables, taskRole, secrets, secretsKmsKey, healthcheck, logging, network, deployment, tags, loadBalancer, scaling, defaultEnvironment, environments)',
  ] },
  { name: 'unset-variable-in-environment', env: 'prod', problems: [
    '8:16: environments.prod.variables.API_KEY: ${L2F_TEST_UNSET_KEY} reads the environment variable L2F_TEST_UNSET_KEY, which is not set — export L2F_TEST_UNSET_KEY=… (or write ${L2F_TEST_UNSET_KEY:-fallback})',
  ] },
  { name: 'unset-variable', problems: [
    '3:13: image.location: ${L2F_TEST_UNSET_IMAGE} reads the environment variable L2F_TEST_UNSET_IMAGE, which is not set — export L2F_TEST_UNSET_IMAGE=… (or write ${L2F_TEST_UNSET_IMAGE:-fallback})',
  ] },
  { name: 'variable-empty', problems: [
    '5:3: variables.EMPTY: must be text, a number or true/false, got nothing (an empty value)',
  ] },
  { name: 'variable-empty-text', problems: [
    `5:10: variables.EMPTY: ${EMPTY_VARIABLE}`,
    `6:13: variables.FROM_ENV: ${EMPTY_VARIABLE}`,
  ] },
  { name: 'wrong-type-count', problems: [
    '4:8: count: must be a whole number, got the number 1.5',
  ] },
  { name: 'wrong-type-cpu-text', problems: [
    '4:6: cpu: must be a whole number, got the text "256"',
  ] },
  { name: 'wrong-type-image', problems: [
    '2:8: image: must be a map of fields, got the text "nginx:1.27"',
  ] },
  { name: 'wrong-type-public-ip', problems: [
    '5:13: network.publicIp: must be true or false, got the text "yes"',
  ] },

];

async function problemsOf(file: string, env?: string, lambda = false): Promise<string[]> {
  const load = lambda ? loadLambdaManifest : loadServiceManifest;
  // No process environment: `${VAR}` cases must not depend on the shell running the tests.
  const err = await load(file, env, {}).then(
    () => assert.fail(`${file} loaded, but it is broken`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ManifestError, `expected a ManifestError, got ${String(err)}`);
  assert.equal(err.exitCode, 2);
  assert.equal(err.message, err.problems.map(formatProblem).join('\n'), 'the message is the problems, one per line');
  return err.message.split('\n');
}

describe('a broken manifest is refused with every problem at its file:line:col', () => {
  test('there are at least 25 broken manifests, each with its own fixture', () => {
    assert.ok(cases.length >= 25, `only ${cases.length} cases`);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
  });
  for (const c of cases) {
    test(`${c.name} is reported as written`, async () => {
      const file = fixture(c.name);
      const lines = await problemsOf(file, c.env, c.name.startsWith('lambda'));
      assert.deepEqual(lines, c.problems.map((p) => `${file}:${p}`));
    });
  }
});

describe('files that cannot be read', () => {
  test('a file that does not exist names the file and says so, without a position', async () => {
    const file = fixture('no-such-manifest');
    const lines = await problemsOf(file);
    assert.deepEqual(lines, [`${file}: cannot read the manifest: no such file — check the path (MANIFEST=…, relative to ${process.cwd()})`]);
  });

  test('a folder given as the manifest is refused', async () => {
    const file = relative(process.cwd(), DIR);
    assert.deepEqual(await problemsOf(file), [`${file}: is a directory, not a manifest file — point MANIFEST at a .yml file`]);
  });
});
