import type { LambdaFacts, Note } from './types.ts';

/**
 * What a Lambda function has that a Fargate service does not, and what to do about each.
 * Sources: Lambda Developer Guide (layers, concurrency, Function URL auth types, response
 * streaming, CORS), Elastic Load Balancing "Authenticate users using an Application Load
 * Balancer" (OIDC / Cognito only), ECS Developer Guide "Fargate task networking" (private
 * subnets need a NAT gateway or VPC endpoints to pull images).
 */
export function notesFor(f: LambdaFacts, serviceName: string): Note[] {
  const notes: Note[] = [];
  const folder = `functions/${serviceName}/`;
  if (f.packageType === 'Image') {
    notes.push({
      topic: 'container image function',
      detail: `the function runs the image ${f.imageUri ?? '(unknown)'}, built for the Lambda runtime interface, not an HTTP server`,
      action: `copy the handler's code into ${folder} and set HANDLER (the image here runs it behind the container server)`,
    });
  } else if (f.runtime && !/^nodejs/.test(f.runtime)) {
    notes.push({
      topic: 'runtime',
      detail: `the function runs ${f.runtime}; the container server runs Node.js handlers only`,
      action: 'port the handler to Node.js, or run your own HTTP server image (image.location) that answers the same requests',
    });
  }
  if (f.layers.length) {
    notes.push({
      topic: 'layers',
      detail: `${f.layers.length} layer(s): ${f.layers.join(', ')} — a task has no layers`,
      action: `bake each one into the image: download it (aws lambda get-layer-version-by-arn --arn <arn>, then its Content.Location) and unzip it into ${folder} (a Node.js layer's nodejs/node_modules/ goes to ${folder}node_modules/)`,
    });
  }
  if (f.reservedConcurrency !== undefined) {
    notes.push({
      topic: 'reserved concurrency',
      detail: `the function is capped at ${f.reservedConcurrency} concurrent executions${f.reservedConcurrency === 0 ? ' (0: it is switched off)' : ''}; a service has no such cap`,
      action: 'size count for the load instead, and cap requests in the handler or in front of the service if a downstream needs protecting',
    });
  }
  if (f.provisioned.length) {
    const list = f.provisioned.map((p) => `${p.requested} on ${p.qualifier}`).join(', ');
    notes.push({
      topic: 'provisioned concurrency',
      detail: `provisioned concurrency ${list}; tasks are always warm, so there is nothing to provision`,
      action: 'set count so the tasks carry the concurrent requests that provisioned concurrency covered, then remove the provisioned concurrency (it bills while it exists)',
    });
  }
  if (!f.url) {
    notes.push({
      topic: 'no Function URL',
      detail: 'the function has no Function URL: whatever invokes it (API Gateway, events, other code) does not reach an HTTP service',
      action: 'point those callers at the service URL; event sources (SQS, EventBridge, …) need a poller or a target of their own — the container serves Function URL requests only',
    });
  } else {
    if (f.url.authType === 'AWS_IAM') {
      notes.push({
        topic: 'AWS_IAM Function URL auth',
        detail: 'callers sign their requests with SigV4; a Fargate service (and an Application Load Balancer, which offers OIDC and Amazon Cognito) does not check SigV4',
        action: 'restrict network.allowedCidrs, check a token in the handler, or put API Gateway with IAM authorization in front; until then the service answers anyone who reaches its port',
      });
    }
    if (f.url.invokeMode === 'RESPONSE_STREAM') {
      notes.push({
        topic: 'response streaming',
        detail: 'the Function URL streams (InvokeMode RESPONSE_STREAM); the container server calls the handler with the buffered Function URL contract',
        action: 'return the whole response from the handler (awslambda.streamifyResponse handlers do not run here)',
      });
    }
    if (f.url.cors) {
      const c = f.url.cors;
      const parts = [
        c.AllowOrigins?.length ? `Access-Control-Allow-Origin: ${c.AllowOrigins.join(', ')}` : '',
        c.AllowMethods?.length ? `Access-Control-Allow-Methods: ${c.AllowMethods.join(', ')}` : '',
        c.AllowHeaders?.length ? `Access-Control-Allow-Headers: ${c.AllowHeaders.join(', ')}` : '',
        c.ExposeHeaders?.length ? `Access-Control-Expose-Headers: ${c.ExposeHeaders.join(', ')}` : '',
        c.AllowCredentials ? 'Access-Control-Allow-Credentials: true' : '',
        c.MaxAge ? `Access-Control-Max-Age: ${c.MaxAge}` : '',
      ].filter(Boolean);
      notes.push({
        topic: 'CORS',
        detail: `the Function URL answered CORS itself (${parts.join('; ')})`,
        action: 'send these headers from the handler (and answer OPTIONS preflight requests), or from a proxy in front of the service',
      });
    }
  }
  if (f.vpc) {
    notes.push({
      topic: 'private subnets',
      detail: `the tasks run in the function's subnets (${f.vpc.subnetIds.join(', ')}) without a public IP, so they reach ECR, CloudWatch Logs and AWS APIs only through a NAT gateway or VPC endpoints`,
      action: 'make sure the subnets route to a NAT gateway, or add VPC endpoints for ecr.api, ecr.dkr, logs and s3 (gateway) — and ssm / secretsmanager if you add secrets',
    });
    if (f.vpc.securityGroupIds.length) {
      notes.push({
        topic: 'security groups',
        detail: `the function used ${f.vpc.securityGroupIds.join(', ')}; the deploy gives the tasks a security group of their own`,
        action: 'wherever a database or cache allows the function\'s security group, allow the service\'s (<name>-<environment>-sg) too',
      });
    }
  }
  return notes;
}
