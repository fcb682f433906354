// LoRaWAN MAC and regional-parameters (PHY) versions as The Things Stack reads and writes
// them: it accepts aliases on input ("1.1", "V1_1", "RP001_V1_0_2_REV_B") and always writes
// back the first declared enum name (pkg/ttnpb/lorawan.pb.go *_name, lorawan_json.pb.go
// *_customvalue).

const MAC_NAMES = ['MAC_UNKNOWN', 'MAC_V1_0', 'MAC_V1_0_1', 'MAC_V1_0_2', 'MAC_V1_1', 'MAC_V1_0_3', 'MAC_V1_0_4'];
const MAC_ALIASES: Record<string, number> = {
  UNKNOWN: 0, unknown: 0, V1_0: 1, '1.0': 1, '1.0.0': 1, V1_0_1: 2, '1.0.1': 2, V1_0_2: 3, '1.0.2': 3,
  V1_1: 4, '1.1': 4, '1.1.0': 4, V1_0_3: 5, '1.0.3': 5, V1_0_4: 6, '1.0.4': 6,
};

const PHY_NAMES = [
  'PHY_UNKNOWN', 'PHY_V1_0', 'PHY_V1_0_1', 'PHY_V1_0_2_REV_A', 'PHY_V1_0_2_REV_B', 'PHY_V1_1_REV_A', 'PHY_V1_1_REV_B',
  'PHY_V1_0_3_REV_A', 'RP002_V1_0_0', 'RP002_V1_0_1', 'RP002_V1_0_2', 'RP002_V1_0_3', 'RP002_V1_0_4',
];
const PHY_ALIASES: Record<string, number> = {
  TS001_V1_0: 1, TS001_V1_0_1: 2, RP001_V1_0_2: 3, RP001_V1_0_2_REV_B: 4, RP001_V1_1_REV_A: 5, RP001_V1_1_REV_B: 6,
  RP001_V1_0_3_REV_A: 7,
  unknown: 0, '1.0': 1, '1.0.0': 1, V1_0: 1, '1.0.1': 2, V1_0_1: 2, '1.0.2': 3, '1.0.2-a': 3, V1_0_2: 3, V1_0_2_REV_A: 3,
  '1.0.2-b': 4, V1_0_2_REV_B: 4, '1.1-a': 5, '1.1.0-a': 5, V1_1_REV_A: 5, '1.1-b': 6, '1.1.0-b': 6, V1_1_REV_B: 6,
  '1.0.3-a': 7, V1_0_3_REV_A: 7,
};

function canonical(names: readonly string[], aliases: Record<string, number>, v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? names[v] : undefined;
  if (typeof v !== 'string') return undefined;
  if (names.includes(v)) return v;
  const n = aliases[v];
  return n === undefined ? undefined : names[n];
}

/** The server's name of a MAC version ("1.1" → "MAC_V1_1"); undefined when it is not one. */
export const canonicalMacVersion = (v: unknown) => canonical(MAC_NAMES, MAC_ALIASES, v);

/** The server's name of a PHY version ("RP001_V1_0_2_REV_B" → "PHY_V1_0_2_REV_B"). */
export const canonicalPhyVersion = (v: unknown) => canonical(PHY_NAMES, PHY_ALIASES, v);

/** Whether a MAC version is LoRaWAN 1.1 (two root keys, three network session keys). */
export const isMacV11 = (v: unknown) => canonicalMacVersion(v) === 'MAC_V1_1';
