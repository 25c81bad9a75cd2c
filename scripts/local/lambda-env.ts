/** What the Lambda runtime puts in a function's environment (the parts a handler may read). */
export function lambdaEnvironment(o: { functionName: string; memorySize: string; region: string }): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: o.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: o.memorySize,
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${o.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'local',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_REGION: o.region,
    AWS_DEFAULT_REGION: o.region,
    LAMBDA_TASK_ROOT: process.cwd(),
    TZ: ':UTC',
  };
}
