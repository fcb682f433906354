// The messages between the benchmark and its simulator host process.
export interface VerifyInput {
  source: string;
  sourceApp: string;
  target: string;
  targetApp: string;
  /** OTAA with rotated source keys (the default), or ABP keeping its session (source deleted). */
  mode: 'otaa-rotate' | 'abp-keep';
}

export interface VerifyResult {
  expected: number;
  migrated: number;
  targetCount: number;
  /** Target devices with an Application Server record. */
  targetWithAsRecord: number;
  problems: string[];
}

export type HostRequest = { id: number } & (
  | { op: 'start'; name: string; options: object }
  | { op: 'call'; name: string; method: string; args: unknown[] }
  | { op: 'snapshot'; name: string; app: string }
  | { op: 'verify'; input: VerifyInput }
  | { op: 'usage' }
  | { op: 'closeAll' }
);

export type HostReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
