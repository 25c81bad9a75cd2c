import { CreateListenerCommand, DeleteListenerCommand, DescribeListenersCommand, ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Action, Listener } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import { toKeyValue } from '../lib/tags.ts';
import type { LoadBalancerSettings, ResolvedService } from '../manifest/types.ts';
import { diffValues } from './diff.ts';
import { addMissingElbTags, elbTags } from './elb-tags.ts';
import { alreadyGone, makePlan, tagChanges, tagsFor } from './types.ts';
import type { FieldChange, Found, Plan, Result } from './types.ts';

/** One listener as the tool compares it: a port, its protocol, and where it sends requests. */
export interface ListenerShape {
  port: number;
  protocol: 'HTTP' | 'HTTPS';
  action: { forward: string } | { redirect: 'HTTPS:443' };
  certificate?: string;
  sslPolicy?: string;
}

export interface LiveListener {
  arn: string;
  shape: ListenerShape;
  tags: Record<string, string>;
}

export interface DesiredListeners {
  loadBalancerArn: string;
  listeners: ListenerShape[];
  /** what each listener is tagged with; not `tags`: the listeners are the load balancer's, whose plan is the ownership check */
  listenerTags: Record<string, string>;
}

export interface ListenersPlan extends Plan<LiveListener[], DesiredListeners> {
  create: ListenerShape[];
  modify: Array<{ live: LiveListener; want: ListenerShape }>;
  /** listeners on our load balancer the manifest no longer asks for (e.g. 443 after the domain went) */
  remove: LiveListener[];
  retag: LiveListener[];
}

function shapeOf(l: Listener): ListenerShape {
  const a = l.DefaultActions?.find((x) => x.Type === 'forward' || x.Type === 'redirect');
  const target = a?.TargetGroupArn ?? a?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn ?? '';
  const r = a?.RedirectConfig;
  const action: ListenerShape['action'] = a?.Type === 'redirect' && r?.Protocol === 'HTTPS' && (r.Port ?? '443') === '443' && r.StatusCode === 'HTTP_301' ? { redirect: 'HTTPS:443' } : { forward: target };
  const cert = l.Certificates?.[0]?.CertificateArn;
  return {
    port: l.Port ?? 0,
    protocol: l.Protocol === 'HTTPS' ? 'HTTPS' : 'HTTP',
    action,
    ...(cert ? { certificate: cert } : {}),
    ...(l.Protocol === 'HTTPS' && l.SslPolicy ? { sslPolicy: l.SslPolicy } : {}),
  };
}

export async function findListeners(aws: Aws, loadBalancerArn: string | undefined): Promise<LiveListener[]> {
  if (!loadBalancerArn) return [];
  let listeners: Listener[];
  try {
    listeners = (await aws.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn }))).Listeners ?? [];
  } catch (err) {
    if (isAwsError(err, 'LoadBalancerNotFoundException', 'LoadBalancerNotFound', 'ListenerNotFoundException')) return [];
    throw err;
  }
  const tags = listeners.length ? await elbTags(aws, listeners.map((l) => l.ListenerArn ?? '').filter(Boolean)) : new Map();
  return listeners.map((l) => ({ arn: l.ListenerArn ?? '', shape: shapeOf(l), tags: tags.get(l.ListenerArn ?? '') ?? {} }));
}

/** HTTP:80 forwarding; with a domain, HTTPS:443 forwarding and HTTP:80 answering 301 to it. */
export function desiredListeners(svc: ResolvedService, lb: LoadBalancerSettings, inputs: { loadBalancerArn: string; targetGroupArn: string; certificateArn?: string }): DesiredListeners {
  const forward = { forward: inputs.targetGroupArn };
  const listeners: ListenerShape[] = lb.domain
    ? [
        { port: 80, protocol: 'HTTP', action: { redirect: 'HTTPS:443' } },
        { port: 443, protocol: 'HTTPS', action: forward, certificate: inputs.certificateArn ?? '', sslPolicy: lb.sslPolicy },
      ]
    : [{ port: 80, protocol: 'HTTP', action: forward }];
  return { loadBalancerArn: inputs.loadBalancerArn, listeners, listenerTags: tagsFor(svc) };
}

export function planListeners(name: string, live: LiveListener[], desired: DesiredListeners): ListenersPlan {
  const byPort = new Map(live.map((l) => [l.shape.port, l]));
  const create: ListenerShape[] = [];
  const modify: ListenersPlan['modify'] = [];
  const retag: LiveListener[] = [];
  const changes: FieldChange[] = [];
  for (const want of desired.listeners) {
    const have = byPort.get(want.port);
    if (!have) {
      create.push(want);
      changes.push({ path: `listener ${want.port}`, to: describeListener(want) });
      continue;
    }
    const diff = diffValues(have.shape, want, `listener ${want.port}`);
    if (diff.length) modify.push({ live: have, want });
    changes.push(...diff);
    const tagDiff = tagChanges(have.tags, desired.listenerTags).map((c) => ({ ...c, path: `listener ${want.port}.${c.path}` }));
    if (tagDiff.length) retag.push(have);
    changes.push(...tagDiff);
  }
  const wanted = new Set(desired.listeners.map((l) => l.port));
  const remove = live.filter((l) => !wanted.has(l.shape.port));
  changes.push(...remove.map((l) => ({ path: `listener ${l.shape.port} (not in the manifest: deleted)`, from: describeListener(l.shape) })));
  // no listener at all yet reads as a create
  const plan = makePlan('listeners', name, live.length ? live : undefined, desired, changes);
  return { ...plan, create, modify, remove, retag };
}

export function describeListener(l: ListenerShape): string {
  const to = 'redirect' in l.action ? '301 → HTTPS:443' : `→ target group ${l.action.forward.split(':').pop()}`;
  return `${l.protocol}:${l.port} ${to}${l.sslPolicy ? ` (${l.sslPolicy})` : ''}`;
}

function actions(l: ListenerShape): Action[] {
  if ('redirect' in l.action) {
    return [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' } }];
  }
  return [{ Type: 'forward', TargetGroupArn: l.action.forward }];
}

function tls(l: ListenerShape) {
  return l.protocol === 'HTTPS' ? { Certificates: [{ CertificateArn: l.certificate }], SslPolicy: l.sslPolicy } : {};
}

export async function applyListeners(aws: Aws, plan: ListenersPlan): Promise<void> {
  const d = plan.desired;
  // the port the manifest dropped first: a 443 listener holds its certificate
  for (const l of plan.remove) await aws.elbv2.send(new DeleteListenerCommand({ ListenerArn: l.arn }));
  for (const { live, want } of plan.modify) {
    await aws.elbv2.send(new ModifyListenerCommand({ ListenerArn: live.arn, Port: want.port, Protocol: want.protocol, DefaultActions: actions(want), ...tls(want) }));
  }
  for (const l of plan.create) {
    await aws.elbv2.send(
      new CreateListenerCommand({ LoadBalancerArn: d.loadBalancerArn, Port: l.port, Protocol: l.protocol, DefaultActions: actions(l), ...tls(l), Tags: toKeyValue(d.listenerTags) }),
    );
  }
  for (const l of plan.retag) await addMissingElbTags(aws, l.arn, l.tags, d.listenerTags);
}

export async function deleteListener(aws: Aws, item: Found): Promise<Result> {
  try {
    await aws.elbv2.send(new DeleteListenerCommand({ ListenerArn: item.id }));
  } catch (err) {
    if (isAwsError(err, 'ListenerNotFoundException', 'ListenerNotFound')) return alreadyGone(item);
    throw err;
  }
  return { item, outcome: 'deleted', note: 'deleted' };
}
