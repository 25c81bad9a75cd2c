import { spawn } from 'node:child_process';
import type { Found, Result } from './types.ts';

export function samDeleteCommand(stack: string, region: string): string[] {
  return ['sam', 'delete', '--stack-name', stack, '--region', region, '--no-prompts'];
}

function run(argv: string[]): Promise<{ code: number | null; output: string; missing: boolean }> {
  return new Promise((resolve) => {
    const [cmd = '', ...args] = argv;
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err: NodeJS.ErrnoException) => resolve({ code: null, output: err.message, missing: err.code === 'ENOENT' }));
    child.on('close', (code) => resolve({ code, output, missing: false }));
  });
}

/** `sam delete` removes the stack and the artifacts SAM uploaded for it. */
export async function deleteStack(item: Found): Promise<Result> {
  const region = item.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const argv = samDeleteCommand(item.id, region);
  const r = await run(argv);
  if (r.missing) {
    return {
      item,
      outcome: 'failed',
      note: `the SAM CLI is not installed, so the stack was not deleted — install it and run \`${argv.join(' ')}\`, or run \`aws cloudformation delete-stack --stack-name ${item.id} --region ${region}\``,
    };
  }
  if (r.code !== 0) {
    const tail = r.output.trim().split('\n').slice(-3).join(' / ');
    return { item, outcome: 'failed', note: `\`${argv.join(' ')}\` exited ${r.code}: ${tail} — see the stack's events in the CloudFormation console, then run make clean again` };
  }
  return { item, outcome: 'deleted', note: `deleted with \`${argv.slice(0, 2).join(' ')}\`` };
}
