// A server (or a proxy in front of it) that echoes the request in its error: the API key of
// the Authorization header, the device's root key, in plain, escaped, nested, URL-encoded and
// base64 forms. None of it may reach a file of the run folder or the CLI's output.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../../support/demo-sides.js';
import { buildCli, runCli, summaryOf } from '../../support/cli-process.js';
import { startScriptedServer, type ScriptedServer } from '../../support/http-server.js';

let cli: string;
let fleet: Fleet | undefined;
let proxy: ScriptedServer | undefined;
beforeAll(async () => {
  cli = await buildCli();
});
afterEach(async () => {
  await proxy?.close();
  await fleet?.close();
  fleet = proxy = undefined;
});

const OPAQUE_TOKEN = 'opaque-access-token-4b1d';
const NESTED_SECRET = 'nested-secret-value-9f3c';
const ENCRYPTED_KEY = 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9==';

/**
 * Forwards everything to the target simulator, but answers the first Join Server write with
 * an error that echoes the request: Authorization header, body (root keys), and the same in
 * every encoding a careless server or proxy might use.
 */
async function echoingProxy(upstream: string): Promise<ScriptedServer> {
  let echoed = false;
  return startScriptedServer((req, res, body) => {
    if (!echoed && req.method === 'PUT' && /^\/api\/v3\/js\/applications\/[^/]+\/devices\//.test(req.url ?? '')) {
      echoed = true;
      const auth = String(req.headers.authorization);
      const appKey = (JSON.parse(body) as { end_device: { root_keys: { app_key: { key: string } } } }).end_device.root_keys.app_key.key;
      const nested = JSON.stringify(JSON.stringify({ api_key: NESTED_SECRET, root_keys: { app_key: { key: appKey.toLowerCase() } } }));
      const message = [
        `echo of ${req.method} ${req.url}`, `Authorization: ${auth}`, `body: ${body}`, `nested: ${nested}`,
        `url-encoded: Authorization=${encodeURIComponent(auth)}`, `base64: ${Buffer.from(appKey, 'hex').toString('base64')}`,
        `bare ${appKey.toLowerCase()}`, `callback https://example.com/cb?x=1&access_token=${OPAQUE_TOKEN}&y=2`,
        `{"encrypted_key":"${ENCRYPTED_KEY}","kek_label":"k1"}`, `basic: ${Buffer.from(`user:${auth.slice(7)}`).toString('base64')}`,
      ].join(' | ');
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({
        code: 3, message: `error:pkg/proxy:echo (${message})`,
        details: [{
          '@type': 'type.googleapis.com/ttn.lorawan.v3.ErrorDetails', namespace: 'pkg/proxy', name: 'echo', code: 3, message_format: message,
          attributes: { value: appKey, authorization: auth, request: body, AppKey: appKey },
        }],
      }));
      return;
    }
    const headers = { ...req.headers };
    delete headers.host;
    const up = http.request(`${upstream}${req.url}`, { method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    up.end(body);
  });
}

function secretsOf(f: Fleet, failed: string): string[] {
  const appKey = f.programmed.get(failed)!.appKey!;
  const keySecret = f.targetKey.slice(f.targetKey.lastIndexOf('.') + 1);
  return [
    f.sourceKey, f.targetKey, keySecret, encodeURIComponent(`Bearer ${f.targetKey}`),
    appKey, appKey.toLowerCase(), Buffer.from(appKey, 'hex').toString('base64'),
    OPAQUE_TOKEN, NESTED_SECRET, ENCRYPTED_KEY, Buffer.from(`user:${f.targetKey}`).toString('base64'),
  ];
}

describe('a server that echoes secrets in its errors', () => {
  for (const json of [false, true]) {
    it(`leaves no secret in the run folder or on stdout/stderr${json ? ' (--json)' : ''}`, async () => {
      fleet = await startFleet({ devices: 2, mix: 'otaa' });
      const f = fleet;
      proxy = await echoingProxy(f.target.url);
      const runDir = join(mkdtempSync(join(tmpdir(), 'sm-redact-')), 'run');
      const r = await runCli(cli, [
        'migrate', '--all', '--concurrency', '1', '--run-dir', runDir, ...(json ? ['--json'] : []),
        '--source', f.source.url, '--source-app', f.sourceApp, '--target', proxy.url, '--target-app', f.targetApp,
      ], { STACK_MIGRATOR_SOURCE_API_KEY: f.sourceKey, STACK_MIGRATOR_TARGET_API_KEY: f.targetKey });
      expect(r.code, r.stderr).toBe(1);
      // The proxy answered with the echo exactly once: one device failed on it.
      const failed = f.source.listDeviceIds(f.sourceApp).filter((id) => !f.target.inspect(f.targetApp, id));
      expect(failed).toHaveLength(1);
      if (json) expect(summaryOf(r.stdout)).toMatchObject({ migrated: 1, failed: 1 });
      // The error itself still reaches the user, in words.
      expect(r.stdout).toMatch(/server refused the request as invalid/);

      const secrets = secretsOf(f, failed[0]!);
      const files = readdirSync(runDir);
      expect(files).toEqual(expect.arrayContaining(['journal.jsonl', 'report.csv', 'report.json', 'plan.json', 'run.json']));
      for (const file of files) {
        const text = readFileSync(join(runDir, file), 'utf8');
        for (const s of secrets) expect(text.includes(s), `${file} holds the secret ${s}`).toBe(false);
      }
      for (const s of secrets) {
        expect(r.stdout.includes(s), `stdout holds the secret ${s}`).toBe(false);
        expect(r.stderr.includes(s), `stderr holds the secret ${s}`).toBe(false);
      }
      // Every file of the run folder is the owner's only.
      for (const file of files) expect((statSync(join(runDir, file)).mode & 0o777).toString(8), file).toBe('600');
    }, 60_000);
  }
});
