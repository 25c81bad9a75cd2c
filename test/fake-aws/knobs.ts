/** Timings and thresholds of the fake; every one can be changed while it runs (`fake.knobs`). */
export interface Knobs {
  /**
   * a role younger than this cannot be assumed by ECS yet: CreateService/UpdateService succeed, the
   * scheduler records "failed to launch a task with (error ECS was unable to assume the role …)"
   * and tries again after `launchRetryMs` (AWS: about 30 s)
   */
  iamPropagationMs: number;
  /** the scheduler's wait before it tries again to launch a task it could not launch */
  launchRetryMs: number;
  /**
   * a policy attached to the execution role less than this ago is not in force yet: a task
   * launched meanwhile stops with `ResourceInitializationError … AccessDeniedException`
   */
  policyPropagationMs: number;
  /** the first N CreateCluster/CreateService calls answer "Unable to assume the service linked role" (a new account) */
  serviceLinkedRoleFailures: number;
  /** CreateService on a cluster created less than this ago answers ClusterNotFoundException */
  clusterPropagationMs: number;
  /** a security group created less than this ago: Authorize/Revoke answer InvalidGroup.NotFound, ECS says it does not exist */
  securityGroupPropagationMs: number;
  /** an ECR repository created less than this ago: PutLifecyclePolicy/PutImageScanningConfiguration answer RepositoryNotFoundException */
  repositoryPropagationMs: number;
  /** a log group created less than this ago: PutRetentionPolicy answers OperationAbortedException */
  logGroupPropagationMs: number;
  /** a role created less than this ago: AttachRolePolicy/PutRolePolicy answer NoSuchEntity */
  rolePropagationMs: number;
  /** ECR registry-level scanning: 'basic' (a scan-on-push rule for every repository) or 'enhanced' make repositories read scanOnPush false */
  registryScanning: 'none' | 'basic' | 'enhanced';
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
  launchRetryMs: 200,
  policyPropagationMs: 0,
  serviceLinkedRoleFailures: 0,
  clusterPropagationMs: 0,
  securityGroupPropagationMs: 0,
  repositoryPropagationMs: 0,
  logGroupPropagationMs: 0,
  rolePropagationMs: 0,
  registryScanning: 'none',
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

/** Eventual consistency: whether something made at `createdAt` is still invisible to a `windowMs` window. */
export const stillPropagating = (createdAt: Date | number, windowMs: number): boolean => windowMs > 0 && Date.now() - (typeof createdAt === 'number' ? createdAt : createdAt.getTime()) < windowMs;
