import { ACCOUNT } from './common.ts';
import type { ServiceDef } from './service.ts';

export function stsService(): ServiceDef {
  return {
    protocol: 'query',
    xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
    ops: {
      GetCallerIdentity: () => ({ UserId: 'AIDAFAKEUSER00000000', Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/fake-aws` }),
    },
  };
}
