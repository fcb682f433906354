// A child process that hosts simulated deployments for the benchmark, driven over IPC, so that
// the simulators' CPU time and memory are not counted as the engine's.
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src-main/sim/index.js';
import { getAtPath } from '../../src-main/stack/paths.js';
import { schedStat } from './results.js';
import type { HostReply, HostRequest, VerifyInput, VerifyResult } from './sim-protocol.js';

const sims = new Map<string, Simulator>();
/** Keys each source device was programmed with, taken before the run, to check the end state. */
const programmed = new Map<string, Map<string, Record<string, unknown>>>();

const sim = (name: string) => {
  const s = sims.get(name);
  if (!s) throw new Error(`no simulator "${name}"`);
  return s;
};

const KEY_PATHS = {
  js: ['root_keys.app_key.key', 'root_keys.nwk_key.key'],
  ns: ['session.dev_addr', 'session.keys.f_nwk_s_int_key.key', 'mac_settings.schedule_downlinks'],
  as: ['session.keys.app_s_key.key'],
} as const;

function snapshot(name: string, app: string): number {
  const s = sim(name);
  const byId = new Map<string, Record<string, unknown>>();
  for (const id of s.listDeviceIds(app)) {
    const parts = s.inspect(app, id) ?? {};
    const facts: Record<string, unknown> = { devEui: parts.is?.ids?.dev_eui, joinEui: parts.is?.ids?.join_eui };
    for (const [c, paths] of Object.entries(KEY_PATHS)) {
      for (const p of paths) facts[`${c}:${p}`] = getAtPath((parts as Record<string, object | undefined>)[c] ?? {}, p);
    }
    byId.set(id, facts);
  }
  programmed.set(`${name}/${app}`, byId);
  return byId.size;
}

/** Every device is complete on the target with its original keys, and retired on the source. */
function verify(input: VerifyInput): VerifyResult {
  const src = sim(input.source);
  const tgt = sim(input.target);
  const before = programmed.get(`${input.source}/${input.sourceApp}`);
  if (!before) throw new Error('no snapshot of the source');
  const problems: string[] = [];
  let ok = 0;
  let withAs = 0;
  for (const [id, facts] of before) {
    const bad = (why: string) => problems.length < 20 && problems.push(`${id}: ${why}`);
    const t = tgt.inspect(input.targetApp, id);
    const s = src.inspect(input.sourceApp, id);
    // The AS record is created only for devices with AS fields (as the official SDK does): counted, not required.
    if (t?.as) withAs++;
    const missing = (['is', ...(input.mode === 'otaa-rotate' ? ['js' as const] : []), 'ns'] as const).filter((c) => !t?.[c]);
    if (missing.length > 0) { bad(`target lacks ${missing.join(', ')}`); continue; }
    if ((t!.is.ids?.dev_eui ?? '').toUpperCase() !== String(facts.devEui ?? '').toUpperCase()) { bad('target DevEUI differs'); continue; }
    if (input.mode === 'otaa-rotate') {
      if (getAtPath(t!.js, 'root_keys.app_key.key') !== facts['js:root_keys.app_key.key']) { bad('target AppKey differs from the programmed one'); continue; }
      if (!s) { bad('source registration gone (expected rotated keys)'); continue; }
      if (getAtPath(s.js ?? {}, 'root_keys.app_key.key') === facts['js:root_keys.app_key.key']) { bad('source AppKey not rotated'); continue; }
      if (getAtPath(s.ns ?? {}, 'mac_settings.schedule_downlinks') !== false) { bad('source downlinks not turned off'); continue; }
    } else {
      if (getAtPath(t!.ns, 'session.dev_addr') !== facts['ns:session.dev_addr']) { bad('target DevAddr differs'); continue; }
      if (getAtPath(t!.as, 'session.keys.app_s_key.key') !== facts['as:session.keys.app_s_key.key']) { bad('target AppSKey differs'); continue; }
      if (s) { bad('source registration still there (expected deleted)'); continue; }
    }
    ok++;
  }
  const targetCount = tgt.listDeviceIds(input.targetApp).length;
  if (targetCount !== before.size) problems.push(`target holds ${targetCount} devices, expected ${before.size}`);
  return { expected: before.size, migrated: ok, targetCount, targetWithAsRecord: withAs, problems };
}

async function handle(req: HostRequest): Promise<unknown> {
  switch (req.op) {
    case 'start': {
      if (sims.has(req.name)) throw new Error(`simulator "${req.name}" already runs`);
      const s = await startSimulator(req.options as SimulatorOptions);
      sims.set(req.name, s);
      return { url: s.url, port: s.port, clusterHost: s.clusterHost };
    }
    case 'call': {
      const s = sim(req.name) as unknown as Record<string, (...a: unknown[]) => unknown>;
      const fn = s[req.method];
      if (typeof fn !== 'function') throw new Error(`no method ${req.method}`);
      return await fn.apply(s, req.args);
    }
    case 'snapshot':
      return snapshot(req.name, req.app);
    case 'verify':
      return verify(req.input);
    case 'usage':
      return { cpu: process.cpuUsage(), rss: process.memoryUsage().rss, sched: schedStat() };
    case 'closeAll': {
      await Promise.all([...sims.values()].map((s) => s.close()));
      sims.clear();
      programmed.clear();
      return null;
    }
  }
}

process.on('message', (req: HostRequest) => {
  handle(req).then(
    (result) => process.send!({ id: req.id, ok: true, result } satisfies HostReply),
    (err: unknown) => process.send!({ id: req.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies HostReply),
  );
});
process.on('disconnect', () => process.exit(0));
