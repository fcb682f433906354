// The deployments people migrate between, and the addresses they stand for (shown, not sent:
// main resolves presets itself).
import type { ConnectionInfo, Preset, Region } from '../ipc/types';

export const REGIONS: { id: Region; label: string }[] = [
  { id: 'eu1', label: 'eu1 — Europe' },
  { id: 'nam1', label: 'nam1 — North America' },
  { id: 'au1', label: 'au1 — Australia' },
];

export const PRESET_KINDS = [
  { kind: 'ttn', title: 'The Things Network', subtitle: 'Community Edition' },
  { kind: 'tts-cloud', title: 'The Things Stack Cloud', subtitle: 'Your tenant' },
  { kind: 'custom', title: 'Custom', subtitle: 'Self-hosted or other' },
] as const;

export type PresetKind = (typeof PRESET_KINDS)[number]['kind'];

export function presetAddress(preset: Preset): string {
  switch (preset.kind) {
    case 'ttn':
      return `https://${preset.region}.cloud.thethings.network`;
    case 'tts-cloud':
      return `https://${preset.tenant || '‹tenant›'}.${preset.region}.cloud.thethings.industries`;
    case 'custom':
      return preset.isUrl;
    case 'demo':
      return 'Simulated on this computer';
  }
}

export function suggestName(preset: Preset): string {
  switch (preset.kind) {
    case 'ttn':
      return `The Things Network ${preset.region}`;
    case 'tts-cloud':
      return preset.tenant ? `${preset.tenant} · Cloud ${preset.region}` : `The Things Stack Cloud ${preset.region}`;
    case 'custom':
      try {
        return new URL(preset.isUrl).host || 'Custom deployment';
      } catch (_err) {
        return 'Custom deployment';
      }
    case 'demo':
      return 'Simulated stack';
  }
}

export const PRESET_LABEL: Record<ConnectionInfo['preset'], string> = {
  ttn: 'The Things Network',
  'tts-cloud': 'The Things Stack Cloud',
  custom: 'Custom deployment',
  demo: 'Simulated (demo)',
};

export const presetIcon = (preset: ConnectionInfo['preset']) =>
  preset === 'tts-cloud' ? 'cloud' : preset === 'demo' ? 'sparkle' : 'server';

export const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch (_err) {
    return url;
  }
};
