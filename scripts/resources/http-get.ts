import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

/**
 * One GET, for the endpoint step and `make status`. Test/emulator knob: `L2F_CONNECT_TO` takes
 * curl's `--connect-to HOST1:PORT1:HOST2:PORT2` rules, comma-separated (an empty HOST1 or PORT1
 * matches any): the request goes to HOST2:PORT2 instead, keeping the URL's Host header and TLS
 * server name — how the fake AWS's load balancers (test/fake-aws/elbv2.ts) are reached without DNS.
 * Unset (always, against AWS), the URL is called as it is.
 */
export interface ConnectRule {
  host: string;
  port: string;
  toHost: string;
  toPort: number;
}

export function connectRules(value = process.env.L2F_CONNECT_TO ?? ''): ConnectRule[] {
  return value
    .split(',')
    .map((r) => r.trim().split(':'))
    .filter((p) => p.length === 4 && p[2] && Number(p[3]) > 0)
    .map(([host = '', port = '', toHost = '', toPort = '']) => ({ host, port, toHost, toPort: Number(toPort) }));
}

/** Where to connect for `url`: the first rule matching its host and port, else the URL's own. */
export function connectTarget(url: URL, rules: ConnectRule[] = connectRules()): { host: string; port: number } {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const rule = rules.find((r) => (!r.host || r.host.toLowerCase() === url.hostname.toLowerCase()) && (!r.port || r.port === port));
  return rule ? { host: rule.toHost, port: rule.toPort } : { host: url.hostname, port: Number(port) };
}

export interface HttpAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** `ca`: extra trusted certificates (a test's own process did not start with NODE_EXTRA_CA_CERTS). */
export function httpGet(target: string, timeoutMs: number, opts: { ca?: string } = {}): Promise<HttpAnswer> {
  const url = new URL(target);
  const to = connectTarget(url);
  const secure = url.protocol === 'https:';
  const request = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: to.host,
        port: to.port,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { host: url.host },
        ...(secure ? { servername: url.hostname, ...(opts.ca ? { ca: [...rootCertificates, opts.ca] } : {}) } : {}),
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += body.length < 4096 ? d : ''));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}
