import type { ResolvedService } from '../manifest/types.ts';

/**
 * Seconds a Fargate task takes from RunTask to its app listening: provisioning, ENI attach, an
 * image pull of this project's ~60 MB image and node's start. An assumption, not a measurement of
 * your image: a bigger image or a slow-starting app adds to it.
 */
export const TASK_START_SECONDS = 30;

export interface RolloutBound {
  seconds: number;
  text: string;
}

/**
 * The least a load-balanced rollout can take: the new task starts, passes `healthyThreshold`
 * checks `interval` apart (ELB's first check comes about one interval after registration), then
 * the old task drains for the deregistration delay before ECS stops it. Assumes maximumPercent 200
 * (all new tasks start at once) and checks that pass the first time.
 */
export function rolloutLowerBound(svc: ResolvedService): RolloutBound | undefined {
  const lb = svc.loadBalancer;
  if (!lb) return undefined;
  const h = lb.healthCheck;
  const seconds = TASK_START_SECONDS + h.interval * h.healthyThreshold + lb.deregistrationDelay;
  return {
    seconds,
    text: `≥ ${seconds}s = task start ~${TASK_START_SECONDS}s (assumed) + health check ${h.interval}s × ${h.healthyThreshold} healthy + deregistration delay ${lb.deregistrationDelay}s`,
  };
}
