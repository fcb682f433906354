import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Configuration } from 'app-builder-lib';
// Internal module: electron-builder has no validate-only command, but these two
// functions are what it runs first on every build.
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');
const CONFIG_FILE = path.join(ROOT, 'electron-builder.yml');
const debugLogger = { isEnabled: false, add() {} } as unknown as Parameters<typeof validateConfiguration>[1];

function pngSize(file: string): { width: number; height: number } {
  const png = readFileSync(file);
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  let config: Configuration;

  beforeAll(async () => {
    config = await getConfig(ROOT, CONFIG_FILE, null);
  });

  it('passes electron-builder’s own schema validation', async () => {
    await expect(validateConfiguration(config, debugLogger)).resolves.toBeUndefined();
  });

  it('is really checked: a wrong option type is rejected', async () => {
    const broken = { ...config, nsis: { ...config.nsis, oneClick: 'no' } } as unknown as Configuration;
    await expect(validateConfiguration(broken, debugLogger)).rejects.toThrow(/Invalid configuration/);
  });

  it('names the app and writes packages to release/', () => {
    expect(config.appId).toBe('org.stackmigrator.app');
    expect(config.productName).toBe('Stack Migrator');
    expect(config.directories?.output).toBe('release');
  });

  it('ships the bundles and package.json, not the sources', () => {
    // getConfig normalizes `files` to [{ filter: [...] }].
    const patterns = [config.files]
      .flat(2)
      .flatMap((entry) => (typeof entry === 'string' ? [entry] : [entry?.filter ?? []].flat()));
    expect(patterns).toEqual(expect.arrayContaining(['dist/**', 'package.json']));
    expect(patterns.filter((pattern) => !pattern.startsWith('!'))).toEqual(['dist/**', 'package.json']);
  });

  it('unpacks keytar’s native module from the asar archive', () => {
    expect(config.asar).not.toBe(false);
    expect(config.asarUnpack).toContain('**/node_modules/keytar/**');
  });

  it('points at files that exist: a 512x512 icon and the macOS entitlements', () => {
    const icon = path.join(ROOT, String(config.icon));
    expect(existsSync(icon)).toBe(true);
    expect(pngSize(icon)).toEqual({ width: 512, height: 512 });
    for (const file of [config.mac?.entitlements, config.mac?.entitlementsInherit]) {
      expect(file).toBeTruthy();
      expect(existsSync(path.join(ROOT, String(file)))).toBe(true);
    }
  });

  it('signs macOS builds with the hardened runtime and only the JIT entitlement', () => {
    expect(config.mac?.hardenedRuntime).toBe(true);
    const plist = readFileSync(path.join(ROOT, String(config.mac?.entitlements)), 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((match) => match[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
  });

  it('builds AppImage and deb on Linux, dmg on macOS, an assisted NSIS installer on Windows', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.linux?.category).toBe('Utility');
    expect(config.linux?.maintainer).toBeTruthy();
    expect(config.linux?.synopsis).toBeTruthy();
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.nsis?.oneClick).toBe(false);
    expect(config.nsis?.allowToChangeInstallationDirectory).toBe(true);
  });

  it('starts the app from the bundled main process', () => {
    const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      main?: string;
    };
    expect(packageJson.main).toBe('dist/main.cjs');
  });
});
