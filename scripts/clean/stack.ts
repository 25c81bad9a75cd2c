import { isCommandNotFound, run } from '../lib/process.ts';
import type { Found, Result } from './types.ts';

export function samDeleteCommand(stack: string, region: string): string[] {
  return ['sam', 'delete', '--stack-name', stack, '--region', region, '--no-prompts'];
}

/** `sam delete` removes the stack and the artifacts SAM uploaded for it. */
export async function deleteStack(item: Found): Promise<Result> {
  const region = item.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const argv = samDeleteCommand(item.id, region);
  const [cmd = '', ...args] = argv;
  const r = await run(cmd, args).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  if (isCommandNotFound(r)) {
    return {
      item,
      outcome: 'failed',
      note: `the SAM CLI is not installed, so the stack was not deleted — install it and run \`${argv.join(' ')}\`, or run \`aws cloudformation delete-stack --stack-name ${item.id} --region ${region}\``,
    };
  }
  if (r instanceof Error) {
    return { item, outcome: 'failed', note: `\`${argv.join(' ')}\` did not run: ${r.message} — run it by hand, then run make clean again` };
  }
  if (r.code !== 0) {
    const tail = r.output.trim().split('\n').slice(-3).join(' / ');
    return { item, outcome: 'failed', note: `\`${argv.join(' ')}\` exited ${r.code}: ${tail} — see the stack's events in the CloudFormation console, then run make clean again` };
  }
  return { item, outcome: 'deleted', note: `deleted with \`${argv.slice(0, 2).join(' ')}\`` };
}
