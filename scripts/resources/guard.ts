import type { ECSClient } from '@aws-sdk/client-ecs';
import type { Aws } from '../lib/aws.ts';
import { isReadOperation } from '../lib/aws.ts';
import { ToolError } from '../lib/errors.ts';

/**
 * DRY_RUN's promise ("no write call at all") enforced below the code that might break it: any
 * call that is not a read fails before it is sent.
 */
export function refuseWrites(aws: Aws): void {
  // every SDK client of the run, including the ones added after this guard was written
  const clients = Object.values(aws).filter((c): c is ECSClient => typeof c === 'object' && c !== null && 'middlewareStack' in c);
  for (const client of clients) {
    // the clients' stacks differ only in their input/output types, which this middleware never reads
    (client.middlewareStack as ECSClient['middlewareStack']).add(
      (next, context) => async (args) => {
        const operation = String(context.commandName ?? '').replace(/Command$/, '');
        if (!isReadOperation(operation)) throw new ToolError(`DRY_RUN: refused to call ${operation} (a write) — this is a bug in lambda2fargate, please report it`);
        return next(args);
      },
      { step: 'initialize', name: 'lambda2fargateDryRunGuard', priority: 'high' },
    );
  }
}
