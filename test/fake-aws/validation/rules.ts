/**
 * Rules the fake enforces by hand, each from an AWS API reference page (cited per rule).
 *
 * - `documented`: rules AWS enforces that its API models lack. Always enforced.
 * - `table`: the repository's own short table for the fields the tool itself sends, written from
 *   the API reference pages (not generated from the models), so that a clone without
 *   `../shared/aws-models/` still enforces them. Enforced only when the models are absent.
 *
 * `path` walks the decoded request as the protocol spells it (awsQuery `Tags.member.*.Value`,
 * ec2Query `IpPermissions.*.IpRanges.*.Description`, awsJson `tags.*.value`): `*` is every list
 * item, `{}` every value of a JSON map.
 */
export interface Check {
  min?: number;
  max?: number;
  /** the whole value must match */
  pattern?: string;
  enum?: Array<string | number>;
  /** a list: at most this many items */
  maxItems?: number;
  required?: boolean;
  not?: { pattern: string; why: string };
}

export interface Rule {
  id: string;
  kind: 'documented' | 'table';
  service: string;
  operations: string[];
  path: string;
  check: Check;
  source: string;
  /** AWS answers this rule with its own error and words, not the service's generic validation error */
  answer?: (value: unknown, wirePath: string) => { code: string; message: string; status?: number };
}

const IAM = 'https://docs.aws.amazon.com/IAM/latest/APIReference';
const ECS = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference';
const ECR = 'https://docs.aws.amazon.com/AmazonECR/latest/APIReference';
const LOGS = 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference';
const EC2 = 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference';
const CFN = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference';

/** IAM, ECS and Logs tags: letters, numbers, spaces (any script) and `_ . : / = + - @`. */
const TAG_CHARS = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*';
/** EC2 security group names, descriptions and rule descriptions. */
const EC2_SG_CHARS = '[a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]*';
const ECS_NAME = '[a-zA-Z0-9_-]+';

const ec2Invalid = (what: string) => (value: unknown, wirePath: string) => ({
  code: 'InvalidParameterValue',
  message: /[^\x00-\x7F]/.test(String(value))
    ? `Value (${String(value)}) for parameter ${wirePath} is invalid. Character sets beyond ASCII are not supported.`
    : `Invalid ${what}: '${String(value)}'. Valid characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*, up to 255 of them.`,
});
const ecsTooMany = (what: string, n: number) => () => ({ code: 'InvalidParameterException', message: `${what} can have at most ${n} items.` });

const SG_RULE_OPS = ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'UpdateSecurityGroupRuleDescriptionsIngress', 'UpdateSecurityGroupRuleDescriptionsEgress'];
const SG_RULE_DESCRIPTIONS = ['IpRanges', 'Ipv6Ranges', 'PrefixListIds', 'Groups'].map((list) => `IpPermissions.*.${list}.*.Description`);

const documented: Rule[] = [
  // EC2 security groups: the models give these fields as plain strings.
  { id: 'ec2-sg-description', kind: 'documented', service: 'ec2', operations: ['CreateSecurityGroup'], path: 'GroupDescription', check: { max: 255, pattern: EC2_SG_CHARS }, source: `${EC2}/API_CreateSecurityGroup.html`, answer: ec2Invalid('security group description') },
  { id: 'ec2-sg-name', kind: 'documented', service: 'ec2', operations: ['CreateSecurityGroup'], path: 'GroupName', check: { max: 255, pattern: EC2_SG_CHARS, not: { pattern: 'sg-.*', why: "Group names may not be in the format sg-*" } }, source: `${EC2}/API_CreateSecurityGroup.html`, answer: ec2Invalid('security group name') },
  ...SG_RULE_DESCRIPTIONS.map((path, i): Rule => ({ id: `ec2-sg-rule-description-${i + 1}`, kind: 'documented', service: 'ec2', operations: SG_RULE_OPS, path, check: { max: 255, pattern: EC2_SG_CHARS }, source: `${EC2}/API_IpRange.html (also API_Ipv6Range, API_PrefixListId, API_UserIdGroupPair)`, answer: ec2Invalid('rule description') })),
  // ECS list sizes: the model's StringList has no max; the API reference gives one per operation.
  { id: 'ecs-describe-tasks-100', kind: 'documented', service: 'ecs', operations: ['DescribeTasks'], path: 'tasks', check: { maxItems: 100 }, source: `${ECS}/API_DescribeTasks.html ("A list of up to 100 task IDs or full ARN entries")`, answer: ecsTooMany('taskIds', 100) },
  { id: 'ecs-describe-services-10', kind: 'documented', service: 'ecs', operations: ['DescribeServices'], path: 'services', check: { maxItems: 10 }, source: `${ECS}/API_DescribeServices.html ("You may specify up to 10 services to describe")`, answer: ecsTooMany('service names', 10) },
  { id: 'ecs-delete-task-definitions-10', kind: 'documented', service: 'ecs', operations: ['DeleteTaskDefinitions'], path: 'taskDefinitions', check: { maxItems: 10 }, source: `${ECS}/API_DeleteTaskDefinitions.html ("You can specify up to 10 task definitions")`, answer: ecsTooMany('taskDefinitions', 10) },
  { id: 'ecs-describe-clusters-100', kind: 'documented', service: 'ecs', operations: ['DescribeClusters'], path: 'clusters', check: { maxItems: 100 }, source: `${ECS}/API_DescribeClusters.html ("A list of up to 100 cluster names or full cluster ARN entries")`, answer: ecsTooMany('clusters', 100) },
  // ECS names: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."
  { id: 'ecs-cluster-name', kind: 'documented', service: 'ecs', operations: ['CreateCluster'], path: 'clusterName', check: { max: 255, pattern: ECS_NAME }, source: `${ECS}/API_CreateCluster.html` },
  { id: 'ecs-service-name', kind: 'documented', service: 'ecs', operations: ['CreateService'], path: 'serviceName', check: { max: 255, pattern: ECS_NAME }, source: `${ECS}/API_CreateService.html` },
  { id: 'ecs-family', kind: 'documented', service: 'ecs', operations: ['RegisterTaskDefinition'], path: 'family', check: { max: 255, pattern: ECS_NAME }, source: `${ECS}/API_RegisterTaskDefinition.html` },
  { id: 'ecs-container-name', kind: 'documented', service: 'ecs', operations: ['RegisterTaskDefinition'], path: 'containerDefinitions.*.name', check: { max: 255, pattern: ECS_NAME }, source: `${ECS}/API_ContainerDefinition.html` },
  // ECR tags: the model's TagValue is a bare string; ECR refuses ( ) , with InvalidTagParameterException.
  ...['tags.*.Value', 'tags.*.Key'].map((path, i): Rule => ({
    id: `ecr-tag-${i ? 'key' : 'value'}-chars`, kind: 'documented', service: 'ecr', operations: ['CreateRepository', 'TagResource'], path, check: { pattern: TAG_CHARS },
    source: `${ECR}/API_Tag.html; "(", ")" and "," refused: aprin-labs/archimedes#1054`,
    answer: (v) => ({ code: 'InvalidTagParameterException', message: `Invalid parameter: tag ${i ? 'key' : 'value'} '${String(v)}' contains characters that are not allowed. Allowed: letters, numbers, spaces and _ . : / = + - @` }),
  })),
];

const iamTags = (ops: string[]): Rule[] => [
  { id: 'iam-tag-key', kind: 'table', service: 'iam', operations: ops, path: 'Tags.member.*.Key', check: { required: true, min: 1, max: 128, pattern: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+' }, source: `${IAM}/API_Tag.html` },
  { id: 'iam-tag-value', kind: 'table', service: 'iam', operations: ops, path: 'Tags.member.*.Value', check: { required: true, max: 256, pattern: TAG_CHARS }, source: `${IAM}/API_Tag.html` },
];
const IAM_ROLE_NAME: Check = { required: true, min: 1, max: 64, pattern: '[\\w+=,.@-]+' };
const POLICY_DOCUMENT: Check = { required: true, min: 1, max: 131072, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+' };
const ecsTags = (ops: string[]): Rule[] => [
  { id: 'ecs-tag-key', kind: 'table', service: 'ecs', operations: ops, path: 'tags.*.key', check: { min: 1, max: 128, pattern: TAG_CHARS }, source: `${ECS}/API_Tag.html` },
  { id: 'ecs-tag-value', kind: 'table', service: 'ecs', operations: ops, path: 'tags.*.value', check: { max: 256, pattern: TAG_CHARS }, source: `${ECS}/API_Tag.html` },
];
const LOG_GROUP_NAME: Check = { required: true, min: 1, max: 512, pattern: '[\\.\\-_/#A-Za-z0-9]+' };
const LOG_GROUP_OPS = ['CreateLogGroup', 'DeleteLogGroup', 'PutRetentionPolicy', 'DeleteRetentionPolicy', 'TagLogGroup', 'ListTagsLogGroup', 'CreateLogStream', 'DescribeLogStreams', 'PutLogEvents'];
const REPOSITORY_NAME: Check = { min: 2, max: 256, pattern: '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*' };
const REPOSITORY_OPS = ['CreateRepository', 'DeleteRepository', 'PutLifecyclePolicy', 'GetLifecyclePolicy', 'PutImageScanningConfiguration', 'ListImages', 'DescribeImages', 'BatchDeleteImage', 'BatchGetImage'];

const table: Rule[] = [
  // IAM: the role the tool creates for ECS.
  { id: 'iam-role-name', kind: 'table', service: 'iam', operations: ['CreateRole', 'GetRole', 'DeleteRole', 'TagRole', 'ListRoleTags', 'AttachRolePolicy', 'DetachRolePolicy', 'ListAttachedRolePolicies', 'ListRolePolicies', 'DeleteRolePolicy', 'UpdateAssumeRolePolicy'], path: 'RoleName', check: IAM_ROLE_NAME, source: `${IAM}/API_CreateRole.html` },
  { id: 'iam-role-description', kind: 'table', service: 'iam', operations: ['CreateRole', 'UpdateRole', 'UpdateRoleDescription'], path: 'Description', check: { max: 1000, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*' }, source: `${IAM}/API_CreateRole.html` },
  { id: 'iam-trust-policy', kind: 'table', service: 'iam', operations: ['CreateRole'], path: 'AssumeRolePolicyDocument', check: POLICY_DOCUMENT, source: `${IAM}/API_CreateRole.html` },
  { id: 'iam-update-trust-policy', kind: 'table', service: 'iam', operations: ['UpdateAssumeRolePolicy'], path: 'PolicyDocument', check: POLICY_DOCUMENT, source: `${IAM}/API_UpdateAssumeRolePolicy.html` },
  { id: 'iam-role-path', kind: 'table', service: 'iam', operations: ['CreateRole'], path: 'Path', check: { min: 1, max: 512, pattern: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)' }, source: `${IAM}/API_CreateRole.html` },
  { id: 'iam-policy-arn', kind: 'table', service: 'iam', operations: ['AttachRolePolicy', 'DetachRolePolicy'], path: 'PolicyArn', check: { required: true, min: 20, max: 2048 }, source: `${IAM}/API_AttachRolePolicy.html` },
  { id: 'iam-policy-name', kind: 'table', service: 'iam', operations: ['DeleteRolePolicy', 'PutRolePolicy'], path: 'PolicyName', check: { required: true, min: 1, max: 128, pattern: '[\\w+=,.@-]+' }, source: `${IAM}/API_DeleteRolePolicy.html` },
  { id: 'iam-tags-count', kind: 'table', service: 'iam', operations: ['CreateRole', 'TagRole'], path: 'Tags.member', check: { maxItems: 50 }, source: `${IAM}/API_CreateRole.html` },
  ...iamTags(['CreateRole', 'TagRole']),
  // ECR: the repository.
  { id: 'ecr-repository-name', kind: 'table', service: 'ecr', operations: REPOSITORY_OPS, path: 'repositoryName', check: REPOSITORY_NAME, source: `${ECR}/API_CreateRepository.html` },
  { id: 'ecr-lifecycle-policy', kind: 'table', service: 'ecr', operations: ['PutLifecyclePolicy'], path: 'lifecyclePolicyText', check: { required: true, min: 100, max: 30720 }, source: `${ECR}/API_PutLifecyclePolicy.html` },
  { id: 'ecr-tag-mutability', kind: 'table', service: 'ecr', operations: ['CreateRepository', 'PutImageTagMutability'], path: 'imageTagMutability', check: { enum: ['MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'] }, source: `${ECR}/API_CreateRepository.html` },
  { id: 'ecr-list-images-max', kind: 'table', service: 'ecr', operations: ['ListImages', 'DescribeImages', 'DescribeRepositories'], path: 'maxResults', check: { min: 1, max: 1000 }, source: `${ECR}/API_ListImages.html` },
  { id: 'ecr-tag-value-length', kind: 'table', service: 'ecr', operations: ['CreateRepository', 'TagResource'], path: 'tags.*.Value', check: { max: 256 }, source: `${ECR}/API_Tag.html` },
  // Logs: the log group.
  { id: 'logs-group-name', kind: 'table', service: 'logs', operations: LOG_GROUP_OPS, path: 'logGroupName', check: LOG_GROUP_NAME, source: `${LOGS}/API_CreateLogGroup.html` },
  { id: 'logs-group-prefix', kind: 'table', service: 'logs', operations: ['DescribeLogGroups'], path: 'logGroupNamePrefix', check: { min: 1, max: 512, pattern: '[\\.\\-_/#A-Za-z0-9]+' }, source: `${LOGS}/API_DescribeLogGroups.html` },
  { id: 'logs-retention', kind: 'table', service: 'logs', operations: ['PutRetentionPolicy'], path: 'retentionInDays', check: { required: true, enum: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] }, source: `${LOGS}/API_PutRetentionPolicy.html` },
  { id: 'logs-tag-value', kind: 'table', service: 'logs', operations: ['CreateLogGroup', 'TagResource', 'TagLogGroup'], path: 'tags.{}', check: { max: 256, pattern: TAG_CHARS }, source: `${LOGS}/API_CreateLogGroup.html` },
  { id: 'logs-events-limit', kind: 'table', service: 'logs', operations: ['GetLogEvents', 'FilterLogEvents'], path: 'limit', check: { min: 1, max: 10000 }, source: `${LOGS}/API_FilterLogEvents.html` },
  // ECS.
  ...ecsTags(['CreateCluster', 'CreateService', 'RegisterTaskDefinition', 'TagResource', 'RunTask']),
  { id: 'ecs-list-max-results', kind: 'table', service: 'ecs', operations: ['ListTasks', 'ListServices', 'ListClusters', 'ListTaskDefinitions', 'ListTaskDefinitionFamilies'], path: 'maxResults', check: { min: 1, max: 100 }, source: `${ECS}/API_ListTasks.html` },
  { id: 'ecs-network-mode', kind: 'table', service: 'ecs', operations: ['RegisterTaskDefinition'], path: 'networkMode', check: { enum: ['bridge', 'host', 'awsvpc', 'none'] }, source: `${ECS}/API_RegisterTaskDefinition.html` },
  { id: 'ecs-launch-type', kind: 'table', service: 'ecs', operations: ['CreateService', 'RunTask'], path: 'launchType', check: { enum: ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] }, source: `${ECS}/API_CreateService.html` },
  { id: 'ecs-assign-public-ip', kind: 'table', service: 'ecs', operations: ['CreateService', 'UpdateService', 'RunTask'], path: 'networkConfiguration.awsvpcConfiguration.assignPublicIp', check: { enum: ['ENABLED', 'DISABLED'] }, source: `${ECS}/API_AwsVpcConfiguration.html` },
  { id: 'ecs-port-protocol', kind: 'table', service: 'ecs', operations: ['RegisterTaskDefinition'], path: 'containerDefinitions.*.portMappings.*.protocol', check: { enum: ['tcp', 'udp'] }, source: `${ECS}/API_PortMapping.html` },
  // EC2: the security group's tags (EC2 allows any characters in tags).
  { id: 'ec2-tag-key', kind: 'table', service: 'ec2', operations: ['CreateSecurityGroup', 'CreateTags'], path: 'TagSpecification.*.Tag.*.Key', check: { max: 127 }, source: `${EC2}/API_Tag.html` },
  { id: 'ec2-tag-value', kind: 'table', service: 'ec2', operations: ['CreateSecurityGroup', 'CreateTags'], path: 'TagSpecification.*.Tag.*.Value', check: { max: 256 }, source: `${EC2}/API_Tag.html` },
  { id: 'ec2-create-tags-value', kind: 'table', service: 'ec2', operations: ['CreateTags'], path: 'Tag.*.Value', check: { max: 256 }, source: `${EC2}/API_Tag.html` },
  // CloudFormation (sam deploy's stack): a stack tag value has at least one character.
  { id: 'cfn-tag-value', kind: 'table', service: 'cloudformation', operations: ['CreateStack', 'UpdateStack', 'CreateChangeSet'], path: 'Tags.member.*.Value', check: { required: true, min: 1, max: 256 }, source: `${CFN}/API_Tag.html` },
  { id: 'cfn-stack-name', kind: 'table', service: 'cloudformation', operations: ['DescribeStacks', 'DeleteStack'], path: 'StackName', check: { min: 1 }, source: `${CFN}/API_DescribeStacks.html` },
];

export const RULES: Rule[] = [...documented, ...table];
