#!/usr/bin/env node
// Regenerates the simulator's vendored copies of The Things Stack's own tables
// from /work/shared/reference (or the directory given as the first argument).
// Run: node src-main/sim/reference/vendor.mjs [/path/to/reference]
// The app never reads /work/shared at run time: only these copies.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(process.argv[2] ?? '/work/shared/reference');

// The services the simulator serves; everything else is left out.
const SERVICES = [
  'EndDeviceRegistry',
  'JsEndDeviceRegistry',
  'NsEndDeviceRegistry',
  'AsEndDeviceRegistry',
  'Ns',
  'ApplicationRegistry',
  'EntityAccess',
  'Events',
  'AppAs',
  'As',
  'ApplicationWebhookRegistry',
  'ApplicationPubSubRegistry',
  'ApplicationPackageRegistry',
  'ApplicationAccess',
  'GatewayRegistry',
  'GatewayAccess',
  'Gs',
  'GatewayClaimingServer',
];

const api = JSON.parse(await readFile(path.join(source, 'api-definition.json'), 'utf8'));
const trimmed = {};
for (const service of SERVICES) {
  if (!api[service]) throw new Error(`service ${service} missing from api-definition.json`);
  trimmed[service] = api[service];
}
await writeFile(path.join(here, 'api-definition.json'), JSON.stringify(trimmed, null, 1) + '\n');

// The entity map is kept whole.
const entityMap = JSON.parse(await readFile(path.join(source, 'device-entity-map.json'), 'utf8'));
await writeFile(path.join(here, 'device-entity-map.json'), JSON.stringify(entityMap, null, 1) + '\n');

console.log(`vendored ${SERVICES.length} services and the device entity map from ${source}`);
