import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probePath } from './scheduler.ts';

test('the health probe path comes from the URL in the healthCheck command', () => {
  const node = ['CMD-SHELL', `node -e "fetch('http://'+(!process.env.HOST||process.env.HOST==='0.0.0.0'?'127.0.0.1':process.env.HOST)+':8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`];
  assert.equal(probePath({ healthCheck: { command: node } }, 8080), '/healthz');
  assert.equal(probePath({ healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:3000/ready || exit 1'] } }, 3000), '/ready');
  assert.equal(probePath({}, 8080), '/');
});
