/** Timings and thresholds of the fake; every one can be changed while it runs (`fake.knobs`). */
export interface Knobs {
  /** a role younger than this cannot be assumed yet: CreateService/UpdateService refuse it */
  iamPropagationMs: number;
  /** how long a stopped task's ENI lingers (DeleteSecurityGroup answers DependencyViolation meanwhile) */
  eniLingerMs: number;
  /** PROVISIONING → PENDING */
  provisioningMs: number;
  /** PENDING → the container starts */
  pendingMs: number;
  /** DEPROVISIONING → STOPPED */
  stoppingMs: number;
  /** DeleteService: DRAINING → INACTIVE once its tasks stopped */
  drainMs: number;
  /** INACTIVE services, INACTIVE clusters and STOPPED tasks stay describable this long */
  retentionMs: number;
  /** the scheduler waits this long before replacing a task that stopped */
  restartDelayMs: number;
  healthIntervalMs: number;
  /** a container with a healthCheck that has not answered by then is stopped as UNHEALTHY */
  healthTimeoutMs: number;
  /** failed tasks before the deployment circuit breaker trips (AWS: max(3, desired/2)) */
  circuitBreakerThreshold: number;
}

export const DEFAULT_KNOBS: Knobs = {
  iamPropagationMs: 0,
  eniLingerMs: 500,
  provisioningMs: 100,
  pendingMs: 100,
  stoppingMs: 50,
  drainMs: 300,
  retentionMs: 120_000,
  restartDelayMs: 200,
  healthIntervalMs: 100,
  healthTimeoutMs: 20_000,
  circuitBreakerThreshold: 3,
};
