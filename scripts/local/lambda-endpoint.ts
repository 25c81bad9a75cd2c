/**
 * The Lambda half of `make local`: the handler behind a local Function URL endpoint, through the
 * same adapter the container uses, with the environment Lambda gives a function (set by the
 * parent), so the handler answers "Hello from Lambda!".
 *
 *   HANDLER=lambda/handler.handler HOST=127.0.0.1 PORT=8081 AWS_LAMBDA_FUNCTION_NAME=… node --import tsx scripts/local/lambda-endpoint.ts
 */
import { createFunctionUrlServer, writeLogLine } from '../../container/http.ts';
import { DEFAULT_HANDLER } from '../../container/load-handler.ts';

const handler = process.env.HANDLER || DEFAULT_HANDLER;
const port = Number(process.env.PORT);
const running = await createFunctionUrlServer({
  handler,
  host: process.env.HOST || '127.0.0.1',
  port,
  ...(process.env.AWS_LAMBDA_FUNCTION_NAME ? { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME } : {}),
});
writeLogLine({ time: new Date().toISOString(), level: 'info', message: 'listening', url: running.url, handler });

const stop = () => {
  void running.close(2_000).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
