// Plain http:// sends the API key in cleartext: only to this computer (loopback), unless the
// user allows it explicitly. A TLS failure explains the CA options and never suggests http://.
import { describe, expect, it } from 'vitest';
import { connectionTargetSchema, isLoopbackUrl } from '../../../src-main/stack/connection.js';
import { transportError } from '../../../src-main/stack/errors.js';

const parse = (isUrl: string, clusterUrl = isUrl, allowInsecureHttp?: boolean) =>
  connectionTargetSchema.safeParse({ isUrl, clusterUrl, ...(allowInsecureHttp === undefined ? {} : { allowInsecureHttp }) });

describe('plain http', () => {
  it('is accepted for loopback hosts: 127.0.0.0/8, ::1 and localhost', () => {
    for (const url of ['http://127.0.0.1:1885', 'http://127.9.8.7', 'http://localhost:1885', 'http://LOCALHOST', 'http://[::1]:1885']) {
      expect(parse(url).success, url).toBe(true);
      expect(isLoopbackUrl(url), url).toBe(true);
    }
  });

  it('is refused for any other host, naming the risk and the way to allow it', () => {
    for (const [is, cluster] of [['http://tts.example.com', 'https://tts.example.com'], ['https://tts.example.com', 'http://10.0.0.5:1885'], ['http://127.0.0.1.nip.io', 'http://127.0.0.1.nip.io'], ['http://[::2]', 'http://[::2]'], ['http://localhost.example.com', 'http://localhost.example.com']]) {
      const r = parse(is!, cluster);
      expect(r.success, `${is} ${cluster}`).toBe(false);
      const message = r.error!.issues[0]!.message;
      expect(message).toMatch(/plain HTTP/);
      expect(message).toMatch(/API key/);
      expect(message).toMatch(/unencrypted/);
      expect(message).toMatch(/--insecure-http/);
    }
  });

  it('is accepted for another host when explicitly allowed, and https always is', () => {
    expect(parse('http://tts.example.com', 'http://tts.example.com', true).success).toBe(true);
    expect(parse('https://tts.example.com').success).toBe(true);
    expect(parse('tts.example.com').success).toBe(true); // no scheme: https
  });
});

describe('a TLS failure', () => {
  it('explains the CA options and never suggests http://', () => {
    for (const code of ['SELF_SIGNED_CERT_IN_CHAIN', 'ERR_SSL_WRONG_VERSION_NUMBER', 'CERT_HAS_EXPIRED']) {
      const e = transportError(Object.assign(new Error(code), { code }), { operation: 'Connect to tts.example.com', url: 'https://tts.example.com/api/v3/auth_info' });
      expect(e.kind).toBe('tls');
      expect(e.message).not.toMatch(/http:\/\//);
      expect(e.message).not.toMatch(/http-only|plain HTTP/i);
      expect(e.message).toMatch(/--ca FILE/);
      expect(e.message).toMatch(/CA certificate/);
    }
  });
});
