// sim: one simulated The Things Stack on 127.0.0.1, seeded, until Ctrl-C.
import { startSimulator } from '../../sim/index.js';
import { checkCommandFlags, intFlag, rateFlag, type Flags } from '../args.js';
import type { Output } from '../output.js';
import { EXIT } from './migrate.js';

export async function runSim(flags: Flags, out: Output, countFlag: string | undefined): Promise<number> {
  checkCommandFlags('sim', flags);
  const port = intFlag('port', flags.port, 0) ?? 0;
  const devices = intFlag('devices', countFlag, 0) ?? 100;
  const latencyMs = intFlag('latency-ms', flags['latency-ms'], 0);
  const rateLimit = intFlag('rate-limit', flags['rate-limit'], 1);
  const sim = await startSimulator({
    port, adminRoutes: flags.admin ?? false, separateCluster: flags['separate-cluster'] ?? false,
    faults: { latencyMs, errorRate: rateFlag('error-rate', flags['error-rate']), dropRate: rateFlag('drop-rate', flags['drop-rate']) },
    // --rate-limit N: N calls per second with bursts of N, per method, entity and key (as pkg/ratelimit keys them).
    ...(rateLimit ? { rateLimit: { profiles: [{ maxPerMin: rateLimit * 60, maxBurst: rateLimit, associations: ['grpc:method', 'grpc:stream:accept'] }] } } : {}),
  });
  const appId = flags.app ?? 'demo-app';
  sim.addApplication(appId, { name: 'Simulated application' });
  sim.seedDevices(appId, devices, { seed: intFlag('seed', flags.seed, 0) ?? 1 });
  const key = sim.createApiKey(appId, ['RIGHT_APPLICATION_ALL'], { id: 'sim-key' });
  const where = sim.clusterUrl === sim.url ? `${sim.url} (IS and cluster)` : `${sim.url} (Identity Server) and ${sim.clusterUrl} (cluster)`;
  out.info(`Simulated The Things Stack at ${where}, application "${appId}" with ${devices} device(s).`);
  out.info(`A key with all rights on it (simulator only): export STACK_MIGRATOR_SOURCE_API_KEY=${key}`);
  out.info('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return EXIT.ok;
}
