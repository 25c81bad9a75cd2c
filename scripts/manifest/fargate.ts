/** The CPU/memory pairs Fargate runs (MiB), from the ECS task size table. */
const sizes: Record<number, { memory: number[]; text: string }> = {
  256: { memory: [512, 1024, 2048], text: '512, 1024 or 2048' },
  512: { memory: range(1024, 4096, 1024), text: '1024 to 4096 in steps of 1024' },
  1024: { memory: range(2048, 8192, 1024), text: '2048 to 8192 in steps of 1024' },
  2048: { memory: range(4096, 16384, 1024), text: '4096 to 16384 in steps of 1024' },
  4096: { memory: range(8192, 30720, 1024), text: '8192 to 30720 in steps of 1024' },
  8192: { memory: range(16384, 61440, 4096), text: '16384 to 61440 in steps of 4096' },
  16384: { memory: range(32768, 122880, 8192), text: '32768 to 122880 in steps of 8192' },
};

export const fargateCpus = Object.keys(sizes).map(Number);

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let m = from; m <= to; m += step) out.push(m);
  return out;
}

/** Why Fargate refuses `cpu` with `memory`, or undefined when it runs them. */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
  const size = sizes[cpu];
  if (!size) return `Fargate has no ${cpu} CPU size — use ${fargateCpus.join(', ')}`;
  if (size.memory.includes(memory)) return undefined;
  const others = fargateCpus.filter((c) => sizes[c]?.memory.includes(memory));
  const otherCpu = others.length ? `; ${memory} MiB runs with cpu ${orList(others)}` : '';
  const lo = size.memory[0]!;
  const hi = size.memory[size.memory.length - 1]!;
  const why = memory < lo ? 'too little' : memory > hi ? 'too much' : 'not a size Fargate offers';
  return `${memory} MiB is ${why} for cpu ${cpu} — with cpu ${cpu} Fargate takes memory ${size.text}${otherCpu}`;
}

function orList(items: number[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The cheapest pair Fargate runs with at least `minCpu` units and `minMemory` MiB (cpu first, then memory). */
export function smallestFargateSize(minCpu: number, minMemory: number): { cpu: number; memory: number } | undefined {
  for (const cpu of fargateCpus) {
    if (cpu < minCpu) continue;
    const memory = sizes[cpu]!.memory.find((m) => m >= minMemory);
    if (memory !== undefined) return { cpu, memory };
  }
  return undefined;
}
