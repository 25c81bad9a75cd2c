/**
 * ACM (json): public certificates requested with DNS validation. As on AWS, a new certificate's
 * DomainValidationOptions carry no ResourceRecord for a moment (`knobs.acmValidationRecordMs`);
 * then each name gets a CNAME (`_<hex>.<domain>.` → `_<hex>.<hex>.acm-validations.aws.`, the same
 * one for every certificate of that domain in the account, wildcards sharing their base name's).
 * The certificate turns ISSUED `knobs.acmIssueMs` after every name's CNAME is INSYNC in a Route 53
 * zone of the fake with that value. InUseBy lists the load balancers whose listeners use it, and
 * DeleteCertificate refuses while there are any.
 *
 * NOT MODELLED: EMAIL validation (such certificates stay PENDING_VALIDATION), validation timing
 * out after 72 hours, private CAs, imported and exported certificates, renewal, revocation,
 * certificate bodies (GetCertificate), key algorithms beyond their names, pagination (one page).
 */
import { createHash } from 'node:crypto';
import { ACCOUNT, AwsError, REGION, epoch, fromKeyValue, toKeyValue, uuid, type Tags } from './common.ts';
import type { Knobs } from './knobs.ts';
import type { Route53 } from './route53.ts';
import type { Params, ServiceDef } from './service.ts';

export interface Certificate {
  arn: string;
  domainName: string;
  names: string[];
  validationMethod: string;
  keyAlgorithm: string;
  createdAt: Date;
  issuedAt?: Date;
  tags: Tags;
  idempotencyToken?: string;
  requestKey: string;
}

const ARN = /^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/;

/** ACM's validation name for a domain: stable per account and domain (`*.x` validates as `x`). */
function validationRecord(domain: string): { Name: string; Type: 'CNAME'; Value: string } {
  const base = domain.replace(/^\*\./, '').toLowerCase();
  const h = createHash('sha256').update(`${ACCOUNT}/${base}`).digest('hex');
  return { Name: `_${h.slice(0, 32)}.${base}.`, Type: 'CNAME', Value: `_${h.slice(32, 64)}.${h.slice(0, 10)}.acm-validations.aws.` };
}

export class Acm {
  readonly certificates = new Map<string, Certificate>();
  /** set by the fake: the load balancers using a certificate (ELBv2 listeners) */
  inUseBy: (arn: string) => string[] = () => [];

  constructor(
    private readonly route53: Route53,
    private readonly knobs: Knobs,
  ) {}

  /** Names, status and validation of a certificate, evaluated now. */
  state(c: Certificate) {
    const now = Date.now();
    const recordsShown = now - c.createdAt.getTime() >= this.knobs.acmValidationRecordMs;
    const validations = c.names.map((name) => {
      const record = validationRecord(name);
      const found = c.validationMethod === 'DNS' && recordsShown ? this.route53.resolve(record.Name, 'CNAME').find((r) => r.ResourceRecords?.some((v) => v.toLowerCase() === record.Value)) : undefined;
      const validAt = found ? Math.max(found.syncAt, c.createdAt.getTime()) + this.knobs.acmIssueMs : undefined;
      return { name, record, shown: recordsShown && c.validationMethod === 'DNS', validAt: validAt !== undefined && validAt <= now ? validAt : undefined };
    });
    const issuedAt = validations.every((v) => v.validAt !== undefined) ? Math.max(...validations.map((v) => v.validAt ?? 0)) : undefined;
    if (issuedAt !== undefined && !c.issuedAt) c.issuedAt = new Date(issuedAt);
    return { status: c.issuedAt ? 'ISSUED' : 'PENDING_VALIDATION', validations };
  }

  /** What ELBv2 needs of a certificate. */
  info(arn: string): { names: string[]; status: string } | undefined {
    const c = this.certificates.get(arn);
    return c ? { names: c.names, status: this.state(c).status } : undefined;
  }

  private cert(arn: unknown): Certificate {
    const a = String(arn ?? '');
    if (!ARN.test(a)) throw new AwsError('InvalidArnException', `String '${a}' is not a valid ARN.`);
    const c = this.certificates.get(a);
    if (!c) throw new AwsError('ResourceNotFoundException', `Could not find certificate ${a}.`);
    return c;
  }

  private detail(c: Certificate) {
    const { status, validations } = this.state(c);
    const issued = status === 'ISSUED';
    return {
      CertificateArn: c.arn,
      DomainName: c.domainName,
      SubjectAlternativeNames: c.names,
      DomainValidationOptions: validations.map((v) => ({
        DomainName: v.name,
        ValidationDomain: v.name,
        ValidationStatus: issued || v.validAt !== undefined ? 'SUCCESS' : 'PENDING_VALIDATION',
        ResourceRecord: v.shown ? v.record : undefined,
        ValidationMethod: c.validationMethod,
      })),
      Subject: `CN=${c.domainName}`,
      Issuer: issued ? 'Amazon' : undefined,
      Serial: issued ? createHash('md5').update(c.arn).digest('hex').match(/../g)?.join(':') : undefined,
      CreatedAt: epoch(c.createdAt),
      IssuedAt: epoch(c.issuedAt),
      NotBefore: epoch(c.issuedAt),
      NotAfter: c.issuedAt ? epoch(new Date(c.issuedAt.getTime() + 395 * 86_400_000)) : undefined,
      Status: status,
      InUseBy: this.inUseBy(c.arn),
      Type: 'AMAZON_ISSUED',
      KeyAlgorithm: c.keyAlgorithm,
      SignatureAlgorithm: 'SHA256WITHRSA',
      KeyUsages: issued ? [{ Name: 'DIGITAL_SIGNATURE' }, { Name: 'KEY_ENCIPHERMENT' }] : [],
      ExtendedKeyUsages: issued ? [{ Name: 'TLS_WEB_SERVER_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.1' }] : [],
      RenewalEligibility: this.inUseBy(c.arn).length ? 'ELIGIBLE' : 'INELIGIBLE',
      Options: { CertificateTransparencyLoggingPreference: 'ENABLED' },
    };
  }

  service(): ServiceDef {
    return {
      protocol: 'json',
      xmlns: '',
      ops: {
        RequestCertificate: (p: Params) => {
          const domainName = String(p.DomainName ?? '').toLowerCase();
          const names = [...new Set([domainName, ...(Array.isArray(p.SubjectAlternativeNames) ? (p.SubjectAlternativeNames as string[]).map((n) => n.toLowerCase()) : [])])];
          const validationMethod = String(p.ValidationMethod ?? 'EMAIL');
          const keyAlgorithm = String(p.KeyAlgorithm ?? 'RSA_2048');
          const requestKey = JSON.stringify([names, validationMethod, keyAlgorithm]);
          const token = p.IdempotencyToken !== undefined ? String(p.IdempotencyToken) : undefined;
          // the same token and request within an hour answer the same certificate (API reference, IdempotencyToken)
          const same = token ? [...this.certificates.values()].find((c) => c.idempotencyToken === token && c.requestKey === requestKey && Date.now() - c.createdAt.getTime() < 3_600_000) : undefined;
          if (same) return { CertificateArn: same.arn };
          const c: Certificate = { arn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${uuid()}`, domainName, names, validationMethod, keyAlgorithm, createdAt: new Date(), tags: fromKeyValue(p.Tags), idempotencyToken: token, requestKey };
          this.certificates.set(c.arn, c);
          return { CertificateArn: c.arn };
        },
        DescribeCertificate: (p: Params) => ({ Certificate: this.detail(this.cert(p.CertificateArn)) }),
        ListCertificates: (p: Params) => {
          const statuses = Array.isArray(p.CertificateStatuses) ? (p.CertificateStatuses as string[]) : [];
          // without Includes.keyTypes ACM lists RSA_1024 and RSA_2048 certificates only (API reference, Filters)
          const keyTypes = Array.isArray(p.Includes?.keyTypes) ? (p.Includes.keyTypes as string[]) : ['RSA_1024', 'RSA_2048'];
          const list = [...this.certificates.values()].filter((c) => keyTypes.includes(c.keyAlgorithm) && (!statuses.length || statuses.includes(this.state(c).status)));
          return {
            CertificateSummaryList: list.map((c) => ({
              CertificateArn: c.arn,
              DomainName: c.domainName,
              SubjectAlternativeNameSummaries: c.names,
              HasAdditionalSubjectAlternativeNames: false,
              Status: this.state(c).status,
              Type: 'AMAZON_ISSUED',
              KeyAlgorithm: c.keyAlgorithm,
              InUse: this.inUseBy(c.arn).length > 0,
              CreatedAt: epoch(c.createdAt),
              IssuedAt: epoch(c.issuedAt),
            })),
          };
        },
        DeleteCertificate: (p: Params) => {
          const c = this.cert(p.CertificateArn);
          if (this.inUseBy(c.arn).length) throw new AwsError('ResourceInUseException', `Certificate ${c.arn} in account ${ACCOUNT} is in use.`);
          this.certificates.delete(c.arn);
          return {};
        },
        AddTagsToCertificate: (p: Params) => {
          Object.assign(this.cert(p.CertificateArn).tags, fromKeyValue(p.Tags));
          return {};
        },
        RemoveTagsFromCertificate: (p: Params) => {
          const c = this.cert(p.CertificateArn);
          for (const t of Array.isArray(p.Tags) ? (p.Tags as Params[]) : []) if (t.Value === undefined || c.tags[String(t.Key)] === t.Value) delete c.tags[String(t.Key)];
          return {};
        },
        ListTagsForCertificate: (p: Params) => ({ Tags: toKeyValue(this.cert(p.CertificateArn).tags) }),
      },
    };
  }
}
