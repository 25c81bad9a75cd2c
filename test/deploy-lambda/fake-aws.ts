import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Just enough AWS for deploy-lambda: STS GetCallerIdentity and CloudFormation DescribeStacks,
 * both awsQuery (form-encoded POST, XML answer), on one local port reached via AWS_ENDPOINT_URL.
 */
export interface FakeAws {
  url: string;
  /** `Action`s received, in order */
  actions: string[];
  /** credential scopes of the Authorization headers received (…/region/service/aws4_request) */
  scopes: string[];
  stop(): Promise<void>;
}

export const ACCOUNT = '123456789012';

export interface FakeStack {
  outputs: Record<string, string>;
  status?: string;
}

export async function startFakeAws(stacks: Record<string, FakeStack>): Promise<FakeAws> {
  const actions: string[] = [];
  const scopes: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const form = new URLSearchParams(await text(req));
    const action = form.get('Action') ?? '';
    actions.push(action);
    scopes.push(/Credential=[^/]+\/\d+\/([^,]+)/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    const xml = (status: number, body: string) => res.writeHead(status, { 'content-type': 'text/xml' }).end(body);
    if (action === 'GetCallerIdentity') {
      return xml(200, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/tester</Arn><UserId>AIDATESTER</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
    }
    if (action === 'DescribeStacks') {
      const name = form.get('StackName') ?? '';
      const stack = stacks[name];
      if (!stack) {
        return xml(400, `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${name} does not exist</Message></Error><RequestId>r2</RequestId></ErrorResponse>`);
      }
      const members = Object.entries(stack.outputs).map(([k, v]) => `<member><OutputKey>${k}</OutputKey><OutputValue>${v}</OutputValue></member>`).join('');
      return xml(200, `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${name}</StackName><StackId>arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/${name}/1</StackId><CreationTime>2026-11-27T01:00:00Z</CreationTime><StackStatus>${stack.status ?? 'CREATE_COMPLETE'}</StackStatus><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r3</RequestId></ResponseMetadata></DescribeStacksResponse>`);
    }
    xml(400, `<ErrorResponse><Error><Code>InvalidAction</Code><Message>fake AWS does not know ${action}</Message></Error></ErrorResponse>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, actions, scopes, stop: () => new Promise((r) => server.close(() => r())) };
}

export async function text(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
