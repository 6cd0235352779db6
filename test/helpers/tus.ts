// A minimal tus 1.0 client for tests and the benchmark: create, HEAD, PATCH (whole or cut off mid-way).
import http from 'node:http';
import type { Readable } from 'node:stream';

export interface TusLogin {
  cookie: string;
  csrf: string;
}

function encodeMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value, 'utf8').toString('base64')}`)
    .join(',');
}

function headers(login: TusLogin, extra: Record<string, string> = {}): Record<string, string> {
  return { 'tus-resumable': '1.0.0', cookie: login.cookie, 'x-csrf-token': login.csrf, ...extra };
}

/** POST: starts an upload; the response (201 with Location, or a refusal). */
export async function createUpload(baseUrl: string, login: TusLogin, size: number, metadata: Record<string, string>): Promise<Response> {
  return fetch(`${baseUrl}/uploads/tus`, {
    method: 'POST',
    headers: headers(login, { 'upload-length': String(size), 'upload-metadata': encodeMetadata(metadata) }),
  });
}

/** The absolute upload URL from a creation response. */
export function uploadUrl(baseUrl: string, created: Response): string {
  const location = created.headers.get('location');
  if (created.status !== 201 || !location) throw new Error(`upload not created: HTTP ${created.status}`);
  return new URL(location, baseUrl).href;
}

/** HEAD: how many bytes the server holds. */
export async function uploadOffset(url: string, login: TusLogin): Promise<{ status: number; offset: number }> {
  const response = await fetch(url, { method: 'HEAD', headers: headers(login) });
  return { status: response.status, offset: Number(response.headers.get('upload-offset') ?? -1) };
}

/** PATCH with a body from `offset`; status, headers and text of the answer. */
export function patchUpload(
  url: string,
  login: TusLogin,
  offset: number,
  body: Buffer | Readable,
  length: number,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'PATCH',
      headers: headers(login, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(length) }),
    });
    request.on('error', reject);
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
    });
    if (Buffer.isBuffer(body)) request.end(body);
    else body.pipe(request);
  });
}

/**
 * A PATCH announcing `data.length` bytes that sends only the first `sendBytes` and then drops the connection,
 * like a district office's line going down.
 */
export function patchCutOff(url: string, login: TusLogin, offset: number, data: Buffer, sendBytes: number): Promise<void> {
  return new Promise((resolve) => {
    const request = http.request(url, {
      method: 'PATCH',
      headers: headers(login, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(data.length) }),
    });
    request.on('error', () => resolve());
    request.on('close', () => resolve());
    request.write(data.subarray(0, sendBytes), () => {
      // Give the bytes time to leave the socket, then cut it.
      setTimeout(() => request.destroy(), 200);
    });
  });
}

/** Polls HEAD until the server reports an offset (the cut-off PATCH has released its lock). */
export async function settledOffset(url: string, login: TusLogin): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { status, offset } = await uploadOffset(url, login);
    if (status === 200 && offset >= 0) return offset;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('upload offset never settled');
}
