// A scripted HTTP(S) server on 127.0.0.1 for the client's bad-server tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

export interface ScriptedServer {
  url: string;
  requests: { method: string; url: string; body: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export async function startScriptedServer(handler: Handler, tls?: { key: string; cert: string }): Promise<ScriptedServer> {
  const requests: ScriptedServer['requests'] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      handler(req, res, body);
    });
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** A self-signed certificate for 127.0.0.1, made with the system's openssl. */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sm-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
}

/** A The Things Stack error answer; `name` may carry its namespace ("pkg/redis:transaction_failed"). */
export const ttsError = (res: http.ServerResponse, status: number, code: number, qualified: string, headers: Record<string, string> = {}) => {
  const [namespace, name] = qualified.includes(':') ? (qualified.split(':') as [string, string]) : ['pkg/test', qualified];
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify({ code, message: `error:${namespace}:${name} (${name})`, details: [{ '@type': 'type.googleapis.com/ttn.lorawan.v3.ErrorDetails', namespace, name, code }] }));
};
export const json = (res: http.ServerResponse, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(200, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
