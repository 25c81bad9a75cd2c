import type { Credentials } from './credentials.ts';
import type { ServiceDef } from './service.ts';

/** The caller is the fake's user, or the assumed role of task credentials the fake issued. */
export function stsService(credentials: Credentials): ServiceDef {
  return {
    protocol: 'query',
    xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
    ops: {
      GetCallerIdentity: (_p, ctx) => credentials.identity(ctx?.accessKeyId),
    },
  };
}
