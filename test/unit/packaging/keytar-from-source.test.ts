import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');
const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));

// keytar's install script is `prebuild-install || npm run build`: prebuild-install
// downloads an unpinned binary from GitHub unless npm hands it build_from_source.
type PrebuildInstallRc = (pkg: { name: string; config?: object }) => { buildFromSource: boolean };
const prebuildInstallRc = requireFromRoot('prebuild-install/rc') as PrebuildInstallRc;
const keytarPackage = requireFromRoot('keytar/package.json') as { name: string; config?: object };

describe('keytar is compiled from source on npm install', () => {
  it('npm passes build_from_source=keytar from .npmrc to install scripts', () => {
    // What `npm ci` gives keytar's install script, from the repository's .npmrc alone.
    const env = { ...process.env };
    delete env.npm_config_build_from_source;
    const probe = `process.stdout.write(JSON.stringify({
      env: process.env.npm_config_build_from_source ?? null,
      keytar: require('prebuild-install/rc')(require('keytar/package.json')).buildFromSource,
    }))`;
    const result = spawnSync('npm', ['exec', '--offline', '-c', `node -e "${probe.replace(/"/g, '\\"')}"`], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ env: 'keytar', keytar: true });
  });

  it('prebuild-install then builds keytar, and only keytar, from source', () => {
    const saved = process.env.npm_config_build_from_source;
    process.env.npm_config_build_from_source = 'keytar';
    try {
      expect(prebuildInstallRc(keytarPackage).buildFromSource).toBe(true);
      expect(prebuildInstallRc({ name: 'some-other-addon' }).buildFromSource).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.npm_config_build_from_source;
      else process.env.npm_config_build_from_source = saved;
    }
  });
});
