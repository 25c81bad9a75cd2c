import { webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

type Keys = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86_400_000;

export interface KeyPair {
  key: string;
  cert: string;
}

const pem = (label: string, der: ArrayBuffer) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g)?.join('\n')}\n-----END ${label}-----\n`;

/**
 * The certificates the fake's HTTPS listeners serve: ACM never hands out private keys, so the fake
 * signs a stand-in leaf for the ACM certificate's names with its own CA. Clients trust that CA
 * through `NODE_EXTRA_CA_CERTS=<caFile>` (in `FakeAws.env`); a name the certificate does not
 * cover fails verification as it would on AWS.
 */
export class FakeCa {
  readonly caFile: string;
  private readonly dir: string;
  private readonly ready: Promise<{ keys: Keys; cert: x509.X509Certificate }>;
  private readonly leaves = new Map<string, Promise<KeyPair>>();
  private serial = 1;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'l2f-fake-ca-'));
    const caFile = join(this.dir, 'ca.pem');
    this.caFile = caFile;
    this.ready = (async () => {
      const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as Keys;
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: '01',
        name: 'CN=fake-aws load balancer CA',
        notBefore: new Date(Date.now() - DAY),
        notAfter: new Date(Date.now() + 30 * DAY),
        keys,
        signingAlgorithm: ALG,
        extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
      });
      writeFileSync(caFile, cert.toString('pem'));
      return { keys, cert };
    })();
  }

  /** Resolves once the CA file is written (the env a child process gets must point at a file). */
  async started(): Promise<void> {
    await this.ready;
  }

  /** A key and certificate for these DNS names (first = subject), made once per set of names. */
  leaf(names: string[]): Promise<KeyPair> {
    const key = names.join(',');
    let found = this.leaves.get(key);
    if (!found) {
      found = this.issue(names);
      this.leaves.set(key, found);
    }
    return found;
  }

  private async issue(names: string[]): Promise<KeyPair> {
    const ca = await this.ready;
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as Keys;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: (++this.serial).toString(16).padStart(2, '0'),
      subject: `CN=${names[0] ?? 'fake-aws'}`,
      issuer: ca.cert.subject,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 30 * DAY),
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      signingAlgorithm: ALG,
      extensions: [
        new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: 'dns' as const, value }))),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      ],
    });
    return { key: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), cert: cert.toString('pem') };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
