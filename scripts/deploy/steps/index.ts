import type { Step } from '../context.ts';
import { endpoint } from './endpoint.ts';
import { image } from './image.ts';
import { preflight } from './preflight.ts';
import { repository } from './repository.ts';
import { executionRole } from './role.ts';
import { rollout } from './rollout.ts';
import { securityGroup } from './security-group.ts';
import { service } from './service.ts';
import { summary } from './summary.ts';
import { taskDefinition } from './task-definition.ts';

/** The deploy, in order. Each unit reads what earlier ones left in the state and adds its own part. */
export const STEP_LIST: readonly Step[] = [preflight, repository, image, executionRole, securityGroup, taskDefinition, service, rollout, endpoint, summary];
