import type { Step } from '../context.ts';
import { endpoint } from './endpoint.ts';
import { image } from './image.ts';
import { preflight } from './preflight.ts';
import { repository } from './repository.ts';
import { executionRole } from './role.ts';
import { rollout } from './rollout.ts';
import { secretsCleanup } from './secrets-cleanup.ts';
import { securityGroup } from './security-group.ts';
import { service } from './service.ts';
import { summary } from './summary.ts';
import { taskDefinition } from './task-definition.ts';
import { taskRole } from './task-role.ts';

/** The deploy, in order. Each unit reads what earlier ones left in the state and adds its own part. */
export const STEP_LIST: readonly Step[] = [
  preflight,
  repository,
  image,
  executionRole,
  taskRole,
  securityGroup,
  taskDefinition,
  service,
  rollout,
  secretsCleanup,
  endpoint,
  summary,
];
