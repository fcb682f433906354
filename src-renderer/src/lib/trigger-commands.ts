// Re-join trigger commands in the renderer: the same rules as the main process's schema
// (src-main/triggers/commands.ts), in words, and the plan's trigger option built from the
// choices on screen. No zod here: the renderer bundle stays free of it.
import type { TriggerCommand, TriggerOptionsInput } from '../ipc/types';

export const MAX_PAYLOAD_BYTES = 51;
const HEX_DIGITS = /^[0-9a-f]*$/;
const REPO_ID = /^[a-z0-9](?:-?[a-z0-9])*$/;

/** 'FF 10 ff' or '0xff10ff' → 'ff10ff' (spaces and a 0x prefix are a matter of taste). */
export const normalizeHex = (text: string) => text.replace(/\s+/g, '').replace(/^0x/i, '').toLowerCase();

export function fPortProblem(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return 'Enter the FPort.';
  if (!/^\d+$/.test(t)) return 'A whole number from 1 to 223.';
  const n = Number(t);
  if (n < 1 || n > 223) return 'FPort 1 to 223 (0 carries MAC commands; 224 and up are reserved).';
  return undefined;
}

export function payloadProblem(text: string): string | undefined {
  const hex = normalizeHex(text);
  if (hex === '') return 'Enter the payload in hex, e.g. ff10ff.';
  if (!HEX_DIGITS.test(hex)) return 'Only hex digits: 0–9 and a–f.';
  if (hex.length % 2 === 1) return 'Whole bytes: an even number of hex digits.';
  if (hex.length / 2 > MAX_PAYLOAD_BYTES) return `At most ${MAX_PAYLOAD_BYTES} bytes (this is ${hex.length / 2}).`;
  return undefined;
}

/** A device repository id (version_ids brand_id / model_id); empty is allowed (optional). */
export function repoIdProblem(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (t.length > 36) return 'At most 36 characters.';
  if (!REPO_ID.test(t)) return 'Lower-case letters, digits and single dashes, as in the Device Repository.';
  return undefined;
}

export type WaitUnit = 'seconds' | 'minutes' | 'hours';
const UNIT_SECONDS: Record<WaitUnit, number> = { seconds: 1, minutes: 60, hours: 3600 };
export const MIN_WAIT_SECONDS = 5;
export const MAX_WAIT_SECONDS = 7 * 24 * 3600;

export function waitSecondsOf(value: string, unit: WaitUnit): number | undefined {
  const t = value.trim();
  if (!/^\d+(?:\.\d+)?$/.test(t)) return undefined;
  const s = Math.round(Number(t) * UNIT_SECONDS[unit]);
  return s >= MIN_WAIT_SECONDS && s <= MAX_WAIT_SECONDS ? s : undefined;
}

export const waitProblem = (value: string, unit: WaitUnit) =>
  waitSecondsOf(value, unit) === undefined ? 'From 5 seconds to 7 days.' : undefined;

/** What the person chose on the plan screen for the re-join trigger. */
export interface TriggerDraft {
  enabled: boolean;
  mode: 'library' | 'fixed';
  fPort: string;
  payloadHex: string;
  wait: string;
  waitUnit: WaitUnit;
}

export const DEFAULT_TRIGGER_DRAFT: TriggerDraft = { enabled: false, mode: 'library', fPort: '', payloadHex: '', wait: '15', waitUnit: 'minutes' };

/** The name the one command for every device goes by (in the plan, the run and its report). */
export const FIXED_COMMAND_NAME = 'Command for every device';

/** Why the draft cannot be planned yet, in words; undefined when it can. */
export function triggerDraftProblem(draft: TriggerDraft): string | undefined {
  if (!draft.enabled) return undefined;
  if (waitProblem(draft.wait, draft.waitUnit)) return 'Set how long to wait for the trigger: 5 seconds to 7 days.';
  if (draft.mode === 'fixed' && (fPortProblem(draft.fPort) || payloadProblem(draft.payloadHex))) return 'Complete the trigger command: an FPort and a hex payload.';
  return undefined;
}

/** The plan's trigger option: absent when off; undefined too when the draft is not complete. */
export function triggerOptionsOf(draft: TriggerDraft, library: readonly TriggerCommand[]): TriggerOptionsInput | undefined {
  if (!draft.enabled || triggerDraftProblem(draft)) return undefined;
  const waitSeconds = waitSecondsOf(draft.wait, draft.waitUnit) as number;
  if (draft.mode === 'fixed') {
    return { fixed: { name: FIXED_COMMAND_NAME, fPort: Number(draft.fPort.trim()), payloadHex: normalizeHex(draft.payloadHex) }, library: [], waitSeconds };
  }
  return { library: [...library], waitSeconds };
}

/** A command without the flag only the main process sets (what triggers:save takes). */
export const asUserCommand = ({ builtIn: _builtIn, ...command }: TriggerCommand): TriggerCommand => command;

export const modelOf = (c: Pick<TriggerCommand, 'brandId' | 'modelId'>) =>
  c.brandId || c.modelId ? [c.brandId ?? 'any brand', c.modelId ?? 'any model'].join(' / ') : 'chosen by name only';

