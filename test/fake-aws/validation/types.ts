/** One broken rule in one request. */
export interface Violation {
  /** where, as AWS names it in its messages: `roleName`, `tags.1.member.value` */
  path: string;
  /** where, as the request spelled it on the wire: `RoleName`, `Tags.member.1.Value`, `IpPermissions.1.IpRanges.1.Description` */
  wirePath: string;
  /** the value, or null when a required member is missing */
  value: unknown;
  /** AWS's words for the constraint: `Member must satisfy regular expression pattern: …` */
  constraint: string;
  /** which rule: `model:iam:roleDescriptionType.pattern`, `table:iam-role-description`, `doc:ec2-sg-description` */
  rule: string;
  /** set by a documented rule that AWS answers with its own error rather than the service's validation error */
  answer?: { code: string; message: string; status?: number };
}
