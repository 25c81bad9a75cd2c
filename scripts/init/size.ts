import { smallestFargateSize } from '../manifest/fargate.ts';

/**
 * Lambda gives a function CPU in proportion to its memory: one vCPU at 1,769 MB (Lambda Developer
 * Guide, "Configure Lambda function memory"). The task gets at least that CPU and at least that
 * memory, in the cheapest pair the Fargate task size table has.
 */
export const MIB_PER_VCPU = 1769;

export function fargateSizeFor(memoryMiB: number): { cpu: number; memory: number; lambdaCpu: number } {
  const lambdaCpu = (1024 * memoryMiB) / MIB_PER_VCPU;
  const size = smallestFargateSize(lambdaCpu, memoryMiB);
  // Lambda's 10,240 MB maximum always fits (8192 CPU takes 16384 MiB and more)
  if (!size) throw new Error(`no Fargate size has ${Math.ceil(lambdaCpu)} CPU units and ${memoryMiB} MiB`);
  return { ...size, lambdaCpu };
}
