import type { Aws } from '../../scripts/lib/aws.ts';

/** A command as the SDK builds it: its class name is the operation (`DescribeTasksCommand`). */
interface Command {
  input: Record<string, unknown>;
}

export type Handler = (input: any, call: number) => unknown;

export interface StubCall {
  operation: string;
  input: any;
}

/**
 * An `Aws` whose clients answer from `handlers` keyed by operation name, in-process: for logic
 * that needs a precise AWS answer the fake does not (yet) give. A handler that throws is AWS's
 * error; an operation without a handler fails the test.
 */
export function stubAws(handlers: Record<string, Handler>, region = 'us-east-1'): Aws & { log: StubCall[] } {
  const log: StubCall[] = [];
  const counts = new Map<string, number>();
  const client = {
    send: async (cmd: Command) => {
      const operation = cmd.constructor.name.replace(/Command$/, '');
      log.push({ operation, input: cmd.input });
      const h = handlers[operation];
      if (!h) throw new Error(`stub AWS: no answer for ${operation}`);
      const n = counts.get(operation) ?? 0;
      counts.set(operation, n + 1);
      return h(cmd.input, n);
    },
  };
  const aws = { region, calls: [], log } as unknown as Aws & { log: StubCall[] };
  for (const k of ['ecr', 'ecs', 'ec2', 'iam', 'sts', 'logs', 'cfn', 'lambda', 'ssm']) (aws as unknown as Record<string, unknown>)[k] = client;
  return aws;
}

/** An AWS SDK error as the SDK throws it (the service's exception name on `name`). */
export function awsError(name: string, message = name): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}
