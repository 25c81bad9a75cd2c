import type { Step } from '../context.ts';
import { certificate } from './certificate.ts';
import { dns } from './dns.ts';
import { endpoint } from './endpoint.ts';
import { image } from './image.ts';
import { listeners } from './listeners.ts';
import { loadBalancer } from './load-balancer.ts';
import { loadBalancerTeardown } from './lb-teardown.ts';
import { preflight } from './preflight.ts';
import { repository } from './repository.ts';
import { executionRole } from './role.ts';
import { rollout } from './rollout.ts';
import { scaling } from './scaling.ts';
import { secretsCleanup } from './secrets-cleanup.ts';
import { securityGroup } from './security-group.ts';
import { service } from './service.ts';
import { summary } from './summary.ts';
import { targetGroup } from './target-group.ts';
import { taskDefinition } from './task-definition.ts';
import { taskRole } from './task-role.ts';

/**
 * The deploy, in order. Each unit reads what earlier ones left in the state and adds its own part.
 * Load-balanced mode: the listener exists before the service names its target group
 * (terraform-provider-aws #32908); the scalable target needs the service.
 */
export const STEP_LIST: readonly Step[] = [
  preflight,
  repository,
  image,
  executionRole,
  taskRole,
  securityGroup,
  taskDefinition,
  loadBalancer,
  targetGroup,
  certificate,
  listeners,
  dns,
  service,
  scaling,
  rollout,
  loadBalancerTeardown,
  secretsCleanup,
  endpoint,
  summary,
];
