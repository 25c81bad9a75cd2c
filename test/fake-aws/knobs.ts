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
  /** ELBv2: a new load balancer stays `provisioning` this long, then turns `active` */
  lbProvisioningMs: number;
  /** ELBv2: the length of one AWS second in health-check intervals/timeouts and deregistration delays */
  lbSecondMs: number;
  /** ELBv2: a health-check probe waits at least this long (a busy machine must not make targets flap) */
  lbHealthTimeoutFloorMs: number;
  /** ELBv2: a new target reports `initial` / Elb.RegistrationInProgress this long before health checks start */
  lbRegistrationMs: number;
  /** ELBv2: a deleted load balancer's ENIs linger this long (DeleteSecurityGroup answers DependencyViolation) */
  lbEniLingerMs: number;
  /** ACM: a requested certificate's DNS validation record (ResourceRecord) appears after this long */
  acmValidationRecordMs: number;
  /** ACM: a certificate turns ISSUED this long after its validation CNAME is in its Route 53 zone */
  acmIssueMs: number;
  /** Route 53: a change stays PENDING this long, then INSYNC */
  route53SyncMs: number;
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
  lbProvisioningMs: 300,
  lbSecondMs: 10,
  lbHealthTimeoutFloorMs: 2000,
  lbRegistrationMs: 50,
  lbEniLingerMs: 1000,
  acmValidationRecordMs: 100,
  acmIssueMs: 200,
  route53SyncMs: 100,
};
