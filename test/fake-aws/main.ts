/**
 * The fake AWS as a process, for manual runs and `make bench`:
 *
 *   npx tsx test/fake-aws/main.ts [--docker] [--registry] [--port 4566]
 *
 * prints `export AWS_ENDPOINT_URL=…` lines (eval them in a shell) and runs until SIGINT/SIGTERM.
 * Control endpoints: GET /_fake/requests, GET /_fake/snapshot, POST /_fake/inject, GET|POST /_fake/knobs.
 */
import { startFakeAws } from './index.ts';

const args = process.argv.slice(2);
const portIndex = args.indexOf('--port');
const fake = await startFakeAws({
  docker: args.includes('--docker'),
  registry: args.includes('--registry'),
  port: portIndex >= 0 ? Number(args[portIndex + 1]) : 0,
});
for (const [k, v] of Object.entries(fake.env)) console.log(`export ${k}=${v}`);
console.log('unset AWS_PROFILE');

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.error(`fake-aws: ${signal}, stopping tasks and closing`);
  await fake.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
