#!/usr/bin/env node
// Regenerates id-blocklist.json, the Identity Server's built-in list of IDs that
// cannot be registered, from The Things Stack's pkg/identityserver/blocklist/builtin.go.
// Run: git -C <lorawan-stack checkout> show HEAD:pkg/identityserver/blocklist/builtin.go > /tmp/builtin.go
//      node src-main/sim/reference/vendor-blocklist.mjs /tmp/builtin.go
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = process.argv[2];
if (!source) throw new Error('usage: vendor-blocklist.mjs <path to builtin.go>');
const go = await readFile(source, 'utf8');
const body = go.slice(go.indexOf('New('));
const ids = [...body.matchAll(/^\s*"([^"]+)",?\s*$/gm)].map((m) => m[1]);
if (ids.length < 100) throw new Error(`only ${ids.length} ids found in ${source}`);
await writeFile(path.join(here, 'id-blocklist.json'), JSON.stringify(ids, null, 1) + '\n');
console.log(`vendored ${ids.length} blocked ids from ${source}`);
