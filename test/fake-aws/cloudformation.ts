import { ACCOUNT, AwsError, REGION, str, toKeyValue, uuid, type Tags } from './common.ts';
import type { Params, ServiceDef } from './service.ts';

export interface Stack {
  StackName: string;
  StackId: string;
  StackStatus: string;
  CreationTime: Date;
  outputs: Record<string, string>;
  tags: Tags;
}

export class CloudFormation {
  readonly stacks = new Map<string, Stack>();

  /** What a successful `sam deploy` would leave behind. */
  putStack(name: string, outputs: Record<string, string> = {}, tags: Tags = {}): Stack {
    const stack: Stack = {
      StackName: name,
      StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/${uuid()}`,
      StackStatus: 'CREATE_COMPLETE',
      CreationTime: new Date(),
      outputs,
      tags,
    };
    this.stacks.set(name, stack);
    return stack;
  }

  private find(nameOrId: string): Stack {
    const stack = this.stacks.get(nameOrId) ?? [...this.stacks.values()].find((s) => s.StackId === nameOrId);
    if (!stack) throw new AwsError('ValidationError', `Stack with id ${nameOrId} does not exist`, 400);
    return stack;
  }

  service(): ServiceDef {
    const view = (s: Stack) => ({
      StackId: s.StackId,
      StackName: s.StackName,
      CreationTime: s.CreationTime,
      StackStatus: s.StackStatus,
      Outputs: Object.entries(s.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      Tags: toKeyValue(s.tags),
      DisableRollback: false,
    });
    return {
      protocol: 'query',
      xmlns: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
      ops: {
        DescribeStacks: (p: Params) => ({
          Stacks: typeof p.StackName === 'string' ? [view(this.find(p.StackName))] : [...this.stacks.values()].map(view),
        }),
        DeleteStack: (p: Params) => {
          const name = str(p, 'StackName');
          const stack = this.stacks.get(name) ?? [...this.stacks.values()].find((s) => s.StackId === name);
          // Deleting a stack that does not exist succeeds, as in CloudFormation.
          if (stack) this.stacks.delete(stack.StackName);
          return {};
        },
      },
    };
  }
}
