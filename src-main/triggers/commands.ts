// Re-join trigger commands: a downlink (FPort + payload) that makes a device of a given model
// restart and join again. Built-in entries only where the maker's public documentation gives
// the command (cited); everything else is the user's, kept in a library file of their own.
import { z } from 'zod';

/** A LoRaWAN application FPort (0 is MAC commands only, 224 and up are reserved). */
const fPort = z.number().int().min(1).max(223);
/** Hex bytes; 51 is the smallest maximum application payload of the common bands (EU868 DR0). */
export const TRIGGER_PAYLOAD_PATTERN = /^(?:[0-9A-Fa-f]{2}){1,51}$/;
const deviceRepoId = z.string().regex(/^[a-z0-9](?:[-]?[a-z0-9])*$/).max(36);

export const triggerCommandSchema = z.object({
  /** Unique in a library; what `--trigger-command NAME` names. */
  name: z.string().trim().min(1).max(60),
  fPort,
  payloadHex: z.string().regex(TRIGGER_PAYLOAD_PATTERN, 'hex bytes, e.g. ff10ff (at most 51 bytes)').transform((s) => s.toLowerCase()),
  /** The device repository's version_ids.brand_id / model_id it is for (absent: chosen by name only). */
  brandId: deviceRepoId.optional(),
  modelId: deviceRepoId.optional(),
  notes: z.string().max(500).optional(),
  /** Where the maker documents the command. */
  source: z.string().max(300).optional(),
  builtIn: z.boolean().optional(),
});
export type TriggerCommand = z.output<typeof triggerCommandSchema>;
export type TriggerCommandInput = z.input<typeof triggerCommandSchema>;

/** The file format of an exported (or imported) library. */
export const triggerLibraryFileSchema = z.object({
  format: z.literal('stack-migrator-trigger-commands'),
  version: z.literal(1),
  commands: z.array(triggerCommandSchema).max(500),
});

const MILESIGHT_REBOOT = 'Reboot (channel ff, type 10, value ff) on the default application port 85; after a reboot the device joins again.';

/** Commands from the makers' own documentation (each cited); a model not here has no known trigger. */
export const BUILT_IN_TRIGGERS: readonly TriggerCommand[] = [
  {
    name: 'milesight-em320-th-reboot', brandId: 'milesight-iot', modelId: 'em320-th', fPort: 85, payloadHex: 'ff10ff', builtIn: true,
    notes: MILESIGHT_REBOOT, source: 'https://www.milesight.com/products/docs/en/em320-th/protocol/em320/em320-th-downlink.html',
  },
  {
    name: 'milesight-am102-reboot', brandId: 'milesight-iot', modelId: 'am102', fPort: 85, payloadHex: 'ff10ff', builtIn: true,
    notes: MILESIGHT_REBOOT, source: 'https://www.milesight.com/products/docs/en/am102/protocol/am100/am10x-downlink.html',
  },
  {
    name: 'milesight-vs350-reboot', brandId: 'milesight-iot', modelId: 'vs350', fPort: 85, payloadHex: 'ff10ff', builtIn: true,
    notes: MILESIGHT_REBOOT, source: 'https://www.milesight.com/products/docs/en/vs350/protocol/vs3xx/vs350-downlink.html',
  },
];

/** Built-ins first, then the user's; a user's command of the same name replaces the built-in. */
export function mergeLibrary(user: readonly TriggerCommand[]): TriggerCommand[] {
  const names = new Set(user.map((c) => c.name));
  return [...BUILT_IN_TRIGGERS.filter((c) => !names.has(c.name)), ...user.map((c) => ({ ...c, builtIn: false }))];
}

/** The plan's trigger choice: per model from the library, or one command for every device. */
export const triggerOptionsSchema = z.object({
  /** Every device gets this command (the CLI's --trigger-command / --trigger-fport + --trigger-payload). */
  fixed: triggerCommandSchema.optional(),
  /** The library the plan was made with: a device gets the command of its brand and model. */
  library: z.array(triggerCommandSchema).max(500).default([]),
  /** How long to wait for the source to send the trigger before quieting it anyway. */
  waitSeconds: z.number().int().min(5).max(7 * 24 * 3600).default(900),
});
export type TriggerOptions = z.output<typeof triggerOptionsSchema>;

export interface VersionIds {
  brand_id?: unknown;
  model_id?: unknown;
}

/** The command a device gets: the fixed one, else its model's (user entries before built-ins), else none. */
export function chooseTrigger(options: Pick<TriggerOptions, 'fixed' | 'library'>, versionIds: VersionIds | undefined): TriggerCommand | undefined {
  if (options.fixed) return options.fixed;
  const brand = typeof versionIds?.brand_id === 'string' ? versionIds.brand_id : undefined;
  const model = typeof versionIds?.model_id === 'string' ? versionIds.model_id : undefined;
  if (!brand || !model) return undefined;
  const matches = options.library.filter((c) => c.brandId === brand && c.modelId === model);
  return matches.find((c) => !c.builtIn) ?? matches[0];
}
