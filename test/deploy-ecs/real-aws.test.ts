import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROLE_DESCRIPTION } from '../../scripts/resources/iam.ts';
import { desiredSecurityGroup } from '../../scripts/resources/security-group.ts';
import { service } from './fixtures.ts';

// What real AWS accepts where the fake (before issue 10) accepted anything. Each rule is quoted
// from its API reference.

// IAM API, CreateRole: roleDescriptionType
const IAM_ROLE_DESCRIPTION = /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]{0,1000}$/;
// EC2 API, CreateSecurityGroup: GroupDescription (and terraform-provider-aws#18874)
const EC2_GROUP_DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

test('the execution role description is text IAM accepts (no em dash)', () => {
  assert.match(ROLE_DESCRIPTION, IAM_ROLE_DESCRIPTION);
});

test('the security group description and its rule descriptions are text EC2 accepts (no apostrophe, no em dash), for the longest name', () => {
  const name = 'a'.repeat(40);
  const d = desiredSecurityGroup(service({ name, environment: 'production' }), 'vpc-1');
  assert.match(d.description, EC2_GROUP_DESCRIPTION);
  for (const r of d.ingress) assert.match(r.description ?? '', EC2_GROUP_DESCRIPTION);
});
