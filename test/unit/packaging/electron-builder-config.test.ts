import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { PlatformPackager, type Configuration } from 'app-builder-lib';
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

  it('rejects a misspelled fuse, so every fuse below is one electron-builder knows', async () => {
    const misspelled = { ...config, electronFuses: { ...config.electronFuses, runAsnode: false } } as unknown as Configuration;
    await expect(validateConfiguration(misspelled, debugLogger)).rejects.toThrow(/Invalid configuration/);
  });

  it('flips the Electron fuses that turn a signed app into a general-purpose runtime off', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false, // ELECTRON_RUN_AS_NODE=1 would run any script with the app's identity
      enableNodeOptionsEnvironmentVariable: false, // NODE_OPTIONS=--require … injects code
      enableNodeCliInspectArguments: false, // --inspect / SIGUSR1 open a debugger on the main process
      enableEmbeddedAsarIntegrityValidation: true, // app.asar is checked against its signed hash
      onlyLoadAppFromAsar: true, // no app/ folder next to app.asar is loaded instead
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false, // the renderer is served from app://, not file://
    });
  });

  it('writes exactly those fuses into the Electron binary', async () => {
    // The mapping electron-builder applies right before signing (private, hence the cast).
    const packager = PlatformPackager.prototype as unknown as {
      generateFuseConfig(fuses: Configuration['electronFuses']): Promise<Record<string, unknown>>;
    };
    const wire = await packager.generateFuseConfig.call(undefined, config.electronFuses);
    expect(wire).toMatchObject({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
  });

  it('packs an asar with the integrity data the validation fuse checks', () => {
    expect(config.asar).toBe(true);
    expect(config.disableAsarIntegrity).not.toBe(true);
  });

  it('compiles native modules (keytar) from source instead of downloading prebuilt binaries', () => {
    expect(config.buildDependenciesFromSource).toBe(true);
    expect(config.npmRebuild).not.toBe(false);
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
