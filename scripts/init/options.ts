import { UserError, message } from '../lib/errors.ts';

/** `make init FUNCTION=<name or ARN> [ENV=…] [CODE=1] [FORCE=1] [OUTPUT=json] [MANIFEST=…]` from the environment. */
export interface InitOptions {
  function: string;
  environment: string;
  code: boolean;
  force: boolean;
  json: boolean;
  /** the service manifest; the Lambda manifest goes next to it as lambda.yml */
  manifest: string;
}

const truthy = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';

export function initOptions(env: NodeJS.ProcessEnv = process.env): InitOptions {
  const fn = env.FUNCTION?.trim();
  if (!fn) throw new UserError(message('make init', 'FUNCTION is not set', 'name the deployed function: make init FUNCTION=<name or ARN>'));
  const environment = env.ENV?.trim() || 'test';
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(environment)) {
    throw new UserError(message(`ENV=${environment}`, 'is not an environment name', 'use lower-case letters, digits and single hyphens, e.g. ENV=prod'));
  }
  const output = env.OUTPUT?.trim().toLowerCase();
  if (output && output !== 'json' && output !== 'text') throw new UserError(message(`OUTPUT=${env.OUTPUT}`, 'is not an output format', 'use OUTPUT=json, or leave it unset'));
  const manifest = env.MANIFEST?.trim() || 'manifests/service.yml';
  if (/(^|\/)lambda\.yml$/.test(manifest)) throw new UserError(message(`MANIFEST=${manifest}`, 'names the Lambda manifest', 'name the service manifest; init writes lambda.yml next to it'));
  return {
    function: fn,
    environment,
    code: truthy(env.CODE),
    force: truthy(env.FORCE),
    json: output === 'json',
    manifest,
  };
}
