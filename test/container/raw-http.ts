import net from 'node:net';

export interface RawResponse {
  statusCode: number;
  /** header lines as received, names as sent */
  headers: Array<[string, string]>;
  body: Buffer;
}

/**
 * One HTTP/1.1 exchange on a fresh socket, writing exactly the given header lines (no client adds
 * Host, Connection or anything else), and reading one response framed by content-length.
 */
export function rawRequest(
  url: string,
  req: { method: string; url: string; headers: ReadonlyArray<readonly [string, string]>; body?: Uint8Array },
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let head: { statusCode: number; headers: Array<[string, string]>; bodyStart: number; length: number } | undefined;
    const finish = (): boolean => {
      if (!head || received.byteLength - head.bodyStart < head.length) return false;
      resolve({ statusCode: head.statusCode, headers: head.headers, body: received.subarray(head.bodyStart, head.bodyStart + head.length) });
      socket.destroy();
      return true;
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!head) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        const [status = '', ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
        const statusCode = Number(status.split(' ')[1]);
        const headers = lines.map((l): [string, string] => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]);
        const declared = headers.find(([n]) => n.toLowerCase() === 'content-length')?.[1];
        const bodiless = req.method === 'HEAD' || statusCode === 204 || statusCode === 304;
        head = { statusCode, headers, bodyStart: end + 4, length: bodiless ? 0 : Number(declared ?? 0) };
      }
      finish();
    });
    // the server may close a connection whose upload it refused; what arrived still counts
    socket.on('error', (err) => {
      if (!finish()) reject(err);
    });
    socket.on('close', () => {
      if (!finish()) reject(new Error(`connection closed after ${received.byteLength} bytes without a complete response`));
    });
    const lines = [`${req.method} ${req.url} HTTP/1.1`, ...req.headers.map(([n, v]) => `${n}: ${v}`)];
    socket.write(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'));
    if (req.body && req.body.byteLength > 0) socket.write(req.body);
  });
}
