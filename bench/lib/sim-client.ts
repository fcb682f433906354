// The benchmark's handle on the simulator host process (bench/lib/sim-host.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Faults, RateLimitOptions, SeedOptions, SimulatorOptions } from '../../src-main/sim/index.js';
import type { HostReply, HostRequest, VerifyInput, VerifyResult } from './sim-protocol.js';

type Body<R> = R extends unknown ? Omit<R, 'id'> : never;

export interface RemoteSim {
  name: string;
  url: string;
  clusterHost: string;
  addApplication(id: string): Promise<void>;
  createApiKey(app: string, rights: string[]): Promise<string>;
  seedDevices(app: string, n: number, opts: SeedOptions): Promise<string[]>;
  listDeviceIds(app: string): Promise<string[]>;
  counters(): Promise<Record<string, number>>;
  resetCounters(): Promise<void>;
  setFaults(f: Faults): Promise<void>;
  setRateLimit(r: RateLimitOptions | undefined): Promise<void>;
  snapshot(app: string): Promise<number>;
}

export class SimHost {
  private readonly child: ChildProcess;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    // The bundle of sim-host.ts sits next to this bundle (bench-results/.build/).
    this.child = fork(fileURLToPath(new URL('./sim-host.mjs', import.meta.url)), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: ['--enable-source-maps'],
    });
    this.child.on('message', (reply: HostReply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.ok) w?.resolve(reply.result);
      else w?.reject(new Error(`simulator host: ${reply.error}`));
    });
    this.child.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`simulator host exited (${code})`));
      this.waiting.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private ask<T>(req: Body<HostRequest>): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...req, id } as HostRequest);
    });
  }

  async start(name: string, options: SimulatorOptions): Promise<RemoteSim> {
    const info = await this.ask<{ url: string; clusterHost: string }>({ op: 'start', name, options });
    const call = <T>(method: string, ...args: unknown[]) => this.ask<T>({ op: 'call', name, method, args });
    return {
      name, url: info.url, clusterHost: info.clusterHost,
      addApplication: (id) => call('addApplication', id),
      createApiKey: (app, rights) => call('createApiKey', app, rights),
      seedDevices: (app, n, opts) => call('seedDevices', app, n, opts),
      listDeviceIds: (app) => call('listDeviceIds', app),
      counters: () => call('counters'),
      resetCounters: () => call('resetCounters'),
      setFaults: (f) => call('setFaults', f),
      setRateLimit: (r) => call('setRateLimit', r),
      snapshot: (app) => this.ask({ op: 'snapshot', name, app }),
    };
  }

  verify(input: VerifyInput): Promise<VerifyResult> {
    return this.ask({ op: 'verify', input });
  }

  /** CPU time (µs) and resident memory of the host process. */
  usage(): Promise<{ cpu: NodeJS.CpuUsage; rss: number; sched?: { runMs: number; waitMs: number } }> {
    return this.ask({ op: 'usage' });
  }

  closeAll(): Promise<void> {
    return this.ask({ op: 'closeAll' });
  }

  async stop(): Promise<void> {
    await this.closeAll().catch(() => undefined);
    if (this.child.connected) this.child.disconnect();
    await new Promise((r) => (this.child.exitCode !== null ? r(null) : this.child.once('exit', r)));
  }
}
