// Requests from many client addresses without forging a header: on Linux the whole of
// 127.0.0.0/8 is loopback, so binding the client socket to 127.x.y.z gives the server that real
// remote address (the app runs with TRUST_PROXY=0, as it would facing the internet).
import http from 'node:http';

/** The i-th (0..65535) address of block 1..254 of 127.0.0.0/8: 127.block.hi.lo. */
export function loopbackAddress(block: number, i: number): string {
  if (block < 1 || block > 254 || i < 0 || i > 65_535) throw new RangeError(`no loopback address ${block}/${i}`);
  return `127.${block}.${i >> 8}.${i & 255}`;
}

export interface SourcedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json(): any;
}

export interface SourcedRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** ms before the request is abandoned (an error). */
  timeoutMs?: number;
}

/** One request from `localAddress` on a connection of its own (no keep-alive pooling). */
export function requestFrom(localAddress: string, url: string, options: SourcedRequest = {}): Promise<SourcedResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: options.method ?? 'GET',
      headers: { ...(options.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(options.body)) } : {}), ...options.headers },
      localAddress,
      agent: false,
      timeout: options.timeoutMs ?? 10_000,
    });
    req.on('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${url} from ${localAddress}: no answer in ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
    });
    req.end(options.body);
  });
}

/** POST a JSON body from `localAddress`. */
export function postJsonFrom(localAddress: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<SourcedResponse> {
  return requestFrom(localAddress, url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}
