import type { FakeAws } from '../fake-aws/index.ts';
import { functionRole, packageZip } from './support.ts';

/** The functions the init tests migrate, one per shape the issue names. */
export async function putShapes(fake: FakeAws): Promise<void> {
  fake.lambda.putFunction({
    name: 'tiny',
    memory: 128,
    timeout: 3,
    role: await functionRole(fake, 'tiny-role'),
    environment: { LOG_LEVEL: 'debug', API_TOKEN: 'tok-123' },
    zip: packageZip(),
  });
  fake.lambda.putFunction({
    name: 'Orders_API',
    memory: 1769,
    timeout: 30,
    architectures: ['arm64'],
    role: await functionRole(fake, 'orders-role', {
      managed: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      inline: { table: [{ Sid: 'Orders', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders' }] },
    }),
    environment: { TABLE_NAME: 'orders' },
    zip: packageZip(),
    url: { authType: 'NONE', cors: { AllowOrigins: ['https://shop.example.com'], AllowMethods: ['GET', 'POST'], MaxAge: 300 } },
  });
  fake.lambda.putFunction({
    name: 'big-batch',
    memory: 10240,
    timeout: 900,
    runtime: 'python3.12',
    handler: 'app.lambda_handler',
    role: await functionRole(fake, 'big-batch-role'),
    zip: packageZip(),
    url: { authType: 'NONE', invokeMode: 'RESPONSE_STREAM' },
    reservedConcurrency: 10,
    provisioned: [{ qualifier: 'live', requested: 4 }],
    ephemeralStorage: 10240,
  });
  fake.lambda.putFunction({
    name: 'vpc-reader',
    memory: 512,
    timeout: 10,
    role: await functionRole(fake, 'vpc-reader-role', { managed: ['arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'] }),
    vpc: { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'], securityGroupIds: ['sg-0123456789abcdef0'] },
    zip: packageZip(),
    url: { authType: 'NONE' },
  });
  fake.lambda.putFunction({
    name: 'layered',
    memory: 1024,
    timeout: 60,
    role: await functionRole(fake, 'layered-role'),
    layers: ['arn:aws:lambda:us-east-1:123456789012:layer:shared-deps:7', 'arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38'],
    zip: packageZip(),
    url: { authType: 'AWS_IAM' },
  });
}
