import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request as tlsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  waitUntilLoadBalancerAvailable,
  type Action,
  type CreateTargetGroupCommandInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { FakeAws } from './index.ts';
import type { sdkClients } from './sdk.ts';

type Aws = ReturnType<typeof sdkClients>;

export async function defaultSubnets(aws: Aws): Promise<string[]> {
  const out = await aws.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
  return (out.Subnets ?? []).map((s) => s.SubnetId ?? '');
}

/** A security group admitting TCP `port` from a CIDR or from another group. */
export async function groupAdmitting(aws: Aws, name: string, port: number, from: { cidr: string } | { groupId: string }): Promise<string> {
  const sg = await aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name }));
  const peer = 'cidr' in from ? { IpRanges: [{ CidrIp: from.cidr }] } : { UserIdGroupPairs: [{ GroupId: from.groupId }] };
  await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg.GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, ...peer }] }));
  return sg.GroupId ?? '';
}

export interface Alb {
  arn: string;
  dnsName: string;
  groupId: string;
}

/** An active internet-facing ALB in two default subnets, its group open on 80 and 443 to everyone. */
export async function activeAlb(aws: Aws, name: string): Promise<Alb> {
  const groupId = await groupAdmitting(aws, `${name}-alb`, 80, { cidr: '0.0.0.0/0' });
  await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  const subnets = await defaultSubnets(aws);
  const out = await aws.elbv2.send(new CreateLoadBalancerCommand({ Name: name, Subnets: subnets.slice(0, 2), SecurityGroups: [groupId] }));
  const lb = out.LoadBalancers?.[0];
  await waitUntilLoadBalancerAvailable({ client: aws.elbv2, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { LoadBalancerArns: [lb?.LoadBalancerArn ?? ''] });
  return { arn: lb?.LoadBalancerArn ?? '', dnsName: lb?.DNSName ?? '', groupId };
}

export async function targetGroup(aws: Aws, name: string, vpcId: string, more: Partial<CreateTargetGroupCommandInput> = {}): Promise<string> {
  const out = await aws.elbv2.send(
    new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'ip', HealthCheckPath: '/health', HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2, UnhealthyThresholdCount: 2, ...more }),
  );
  return out.TargetGroups?.[0]?.TargetGroupArn ?? '';
}

export async function forwardListener(aws: Aws, lbArn: string, tgArn: string, port = 80): Promise<string> {
  const action: Action = { Type: 'forward', TargetGroupArn: tgArn };
  const out = await aws.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: port, DefaultActions: [action] }));
  return out.Listeners?.[0]?.ListenerArn ?? '';
}

let nextHost = 2;
const base = 16 + Math.floor(Math.random() * 200);

export interface TestTarget {
  /** the private IPv4 address the target is registered as */
  ip: string;
  port: number;
  seen: IncomingMessage[];
  server: Server;
  close(): Promise<void>;
}

/** A real HTTP server on its own loopback address, behind an ENI of the default VPC in `groupId`. */
export async function testTarget(fake: FakeAws, groupId: string, handler: (req: IncomingMessage, res: ServerResponse) => void, port = 8080): Promise<TestTarget> {
  const hostIp = `127.${base}.77.${nextHost++}`;
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, hostIp, () => resolve()));
  const subnet = [...fake.ec2.subnets.keys()][0] ?? '';
  const eni = fake.ec2.createEni(subnet, [groupId], 'test target', undefined, { hostIp });
  return {
    ip: eni.privateIpAddress,
    port: (server.address() as AddressInfo).port,
    seen,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        fake.ec2.enis.delete(eni.networkInterfaceId);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * GET `url` the way a client honouring L2F_CONNECT_TO does: connect to the fake's front port for
 * the URL's port, keep the URL's host as Host header and TLS server name.
 */
export function getVia(fake: FakeAws, url: string, headers: Record<string, string> = {}): Promise<Reply> {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  const env = fake.env;
  const rule = (env.L2F_CONNECT_TO ?? '').split(',').map((r) => r.split(':')).find(([, port]) => port === (u.port || (secure ? '443' : '80')));
  const opts = { host: rule?.[2] ?? '127.0.0.1', port: Number(rule?.[3]), path: `${u.pathname}${u.search}`, headers: { host: u.host, ...headers }, servername: u.hostname, ca: secure ? readFileSync(env.NODE_EXTRA_CA_CERTS ?? '') : undefined, agent: false as const };
  return new Promise((resolve, reject) => {
    const done = (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    };
    const req = secure ? tlsRequest(opts, done) : request(opts, done);
    req.on('error', reject);
    req.end();
  });
}

/** GET a URL directly (a listener's own port from `fake.lb.endpointOf`). */
export function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
