// Pure checks of an API key's rights against what a migration needs, in words.

export const RIGHT = {
  info: 'RIGHT_APPLICATION_INFO',
  read: 'RIGHT_APPLICATION_DEVICES_READ',
  readKeys: 'RIGHT_APPLICATION_DEVICES_READ_KEYS',
  write: 'RIGHT_APPLICATION_DEVICES_WRITE',
  writeKeys: 'RIGHT_APPLICATION_DEVICES_WRITE_KEYS',
  traffic: 'RIGHT_APPLICATION_TRAFFIC_READ',
  trafficDown: 'RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE',
  all: 'RIGHT_APPLICATION_ALL',
} as const;

export interface PlanIssue {
  code: string;
  message: string;
}

export const hasRight = (rights: readonly string[], right: string) =>
  rights.includes(right) || rights.includes(RIGHT.all) || rights.includes('RIGHT_ALL');

interface Need {
  right: string;
  why: string;
  blocking: boolean;
}

/** What each side's key must be able to do, and why (shown to the user as is). */
export function rightsNeeded(side: 'source' | 'target', opts: { rotatesKeys: boolean; fromFile?: boolean; triggers?: boolean }): Need[] {
  if (side === 'source') {
    const triggers: Need[] = opts.triggers ? [
      { right: RIGHT.trafficDown, why: 'queue the re-join trigger downlinks', blocking: true },
      { right: RIGHT.traffic, why: 'see when a trigger is sent (without it each device waits the full time before its downlinks are turned off)', blocking: false },
    ] : [];
    return [
      { right: RIGHT.read, why: 'read the devices', blocking: true },
      { right: RIGHT.readKeys, why: 'read the devices\u2019 root and session keys', blocking: true },
      { right: RIGHT.write, why: 'turn off the source\u2019s downlinks and retire the devices', blocking: true },
      ...(opts.rotatesKeys || opts.triggers ? [{ right: RIGHT.writeKeys, why: 'replace the AppKey on the source after the move', blocking: true }] : []),
      ...triggers,
    ];
  }
  return [
    { right: RIGHT.info, why: 'check that the target application exists', blocking: false },
    { right: RIGHT.read, why: 'check for devices already there and verify each new device', blocking: true },
    { right: RIGHT.write, why: 'create the devices', blocking: true },
    { right: RIGHT.writeKeys, why: 'store the devices\u2019 keys', blocking: true },
    { right: RIGHT.readKeys, why: 'verify the stored keys', blocking: true },
    { right: RIGHT.traffic, why: 'see the devices join (without it the app cannot confirm joins)', blocking: false },
  ];
}

/** Missing rights as blockers and warnings for one side. */
export function checkRights(side: 'source' | 'target', rights: readonly string[], opts: { rotatesKeys: boolean; triggers?: boolean }): { blockers: PlanIssue[]; warnings: PlanIssue[] } {
  const blockers: PlanIssue[] = [];
  const warnings: PlanIssue[] = [];
  for (const need of rightsNeeded(side, opts)) {
    if (hasRight(rights, need.right)) continue;
    const issue = { code: `${side}-missing-right`, message: `The ${side} API key cannot ${need.why} (missing ${need.right}).` };
    (need.blocking ? blockers : warnings).push(issue);
  }
  return { blockers, warnings };
}
