/**
 * The documents of the AWS managed policies the project's tests attach, so the fake can evaluate
 * them. Sources: "Amazon ECS task execution IAM role" (ECS Developer Guide) for
 * AmazonECSTaskExecutionRolePolicy; "Lambda execution role" (Lambda Developer Guide) for the two
 * Lambda-only policies. A managed policy the fake does not know has no statements (grants nothing).
 */
const doc = (Action: string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource: '*' }] });

export const AWS_MANAGED_POLICIES: Record<string, string> = {
  'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy': doc([
    'ecr:GetAuthorizationToken',
    'ecr:BatchCheckLayerAvailability',
    'ecr:GetDownloadUrlForLayer',
    'ecr:BatchGetImage',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
  ]),
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole': doc(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']),
  'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole': doc([
    'logs:CreateLogGroup',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'ec2:CreateNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeSubnets',
    'ec2:DeleteNetworkInterface',
    'ec2:AssignPrivateIpAddresses',
    'ec2:UnassignPrivateIpAddresses',
  ]),
};
