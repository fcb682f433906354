// stack-migrator: the headless command line over the migration engine (plain Node).
import { parseCommandLine, UsageError } from './cli/args.js';
import { humanOutput, jsonOutput } from './cli/output.js';
import { EXIT, importFile, planOrMigrate, resumeRun } from './cli/commands/migrate.js';
import { retireDevices } from './cli/commands/retire.js';
import { exportDevices } from './cli/commands/export.js';
import { runSim } from './cli/commands/sim.js';
import { runDemo } from './cli/commands/demo.js';
import { checkRunArrivals } from './cli/commands/arrivals.js';
import { appPlan } from './cli/commands/app-plan.js';
import { gatewaysCommand } from './cli/commands/gateways.js';
import { StackError } from './stack/errors.js';
import { DeviceCreateError } from './stack/device-writer.js';
import { redact } from './logging/redact.js';

const USAGE = `Usage: stack-migrator <command> [options]

Move LoRaWAN end devices between The Things Stack deployments without persisting the
active session (for example from The Things Network to The Things Stack Cloud).

Commands:
  plan      Check rights and devices and show what a migration would do (writes nothing)
  app-plan  The application section alone: formatters, webhooks, pub/subs, packages (writes nothing)
  migrate   Migrate devices from a source to a target application
  resume    Continue an interrupted run:            resume --run-dir DIR
  arrivals  Which moved devices joined the target, and what to do about the others:
                                                    arrivals --run-dir DIR [--json]
  retire    Remove re-programmed ABP devices from the source: retire --run-dir DIR --devices a,b | --all
  export    Write a devices.json of source devices:  export --source URL --source-app APP --all --out FILE [--with-session]
  import    Create the devices of a devices.json on a target: import --file FILE --target URL --target-app APP
  sim       Run a simulated The Things Stack on 127.0.0.1: sim [--port P] [--devices N] [--admin] [--separate-cluster]
  gateways  Move gateways (Basic Station CUPS re-pointing, LNS files, UDP sheets, claiming):
              gateways plan|migrate --source … --target … --gateways a,b | --all [--target-owner user:ID|org:ID]
                [--gateway-kind ID=cups|ttig|lns|udp|claimable] [--owner-tokens FILE.json] [--gateway-wait S]
              gateways resume|status --run-dir DIR     gateways rollback --run-dir DIR --gateways a,b | --all
              gateways sheet --run-dir DIR --out FILE  (tc.uri/tc.key and server addresses: may hold keys)
  demo      Migrate N simulated devices between two simulators: demo [--devices N] [--separate-cluster]
            (--separate-cluster: the Identity Server and the cluster on two hosts, as on nam1 and au1)

Connections:
  --source URL | --source-is URL --source-cluster URL     (the same for --target)
  --source-app ID  --target-app ID  --ca FILE (extra CA certificate, repeatable)
  --insecure-http   allow plain http:// to a host other than this computer (the API key
                    then crosses the network unencrypted; refused without this flag)
  --source-connection NAME | --target-connection NAME   a connection saved in the app
  API keys come from STACK_MIGRATOR_SOURCE_API_KEY and STACK_MIGRATOR_TARGET_API_KEY,
  or from the keychain entry of a saved connection.

Selection and options:
  --devices id1,id2 | --all
  --otaa-source-action rotate-keys|delete   (default rotate-keys)
  --abp-mode new-session|keep-session       (required when ABP devices are selected)
  --downlinks-off keep|turn-on              (required when you turned a device's downlinks off on the source)
  --id-prefix PREFIX   --generate-keys (new root keys for devices of an external Join Server)
  --dry-run  --concurrency N (default adaptive)  --max-rate N (requests/s per deployment)
  --run-dir DIR  --wait-joins SECONDS  --json

The application (before the devices, in the same run):
  --with-application    carry default formatters, webhooks, pub/subs and package associations
  --create-target-app user:ID | org:ID   create the target application when it does not exist
  --webhook-downlink-keys create|leave-empty   a new target key per webhook (default create)
  --overwrite-app-items KEY,KEY   replace these items where the target has them differently

Gateways in the same run (ABP devices keeping their session move once their gateway is on the target):
  --move-gateways ID,ID | served   (served: those that heard the plan's ABP keep-session devices)
  --target-owner user:ID | org:ID  --gateway-wait SECONDS (default 900)

Re-join triggers (OTAA; a downlink on the source before it is quieted):
  --trigger-rejoin      each device gets the command of its model from the library
                        (built-ins, the app's saved commands, or --trigger-library FILE)
  --trigger-command NAME | --trigger-fport N --trigger-payload HEX   one command for all
  --trigger-wait SECONDS   how long the source may take to send it (default 900)

Exit codes: 0 all selected devices migrated; 1 some failed; 2 usage error or blocked plan.`;

async function main(argv: string[]): Promise<number> {
  const { command, flags } = parseCommandLine(argv);
  if (!command || command === 'help' || flags.help) {
    console.log(USAGE);
    return command || flags.help ? EXIT.ok : EXIT.usage;
  }
  const out = flags.json ? jsonOutput() : humanOutput();
  switch (command) {
    case 'plan': return planOrMigrate(flags, out, { execute: false });
    case 'migrate': return planOrMigrate(flags, out, { execute: true });
    case 'resume': return resumeRun(flags, out);
    case 'retire': return retireDevices(flags, out);
    case 'export': return exportDevices(flags, out);
    case 'import': return importFile(flags, out);
    case 'sim': return runSim(flags, out, flags.devices);
    case 'demo': return runDemo(flags, out, flags.devices);
    case 'arrivals': return checkRunArrivals(flags);
    case 'app-plan': return appPlan(flags, out);
    case 'gateways': throw new UsageError('gateways needs a command: plan, migrate, resume, status, rollback or sheet');
    default:
      if (command.startsWith('gateways ')) return gatewaysCommand(command.slice('gateways '.length), flags); throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    // Whatever the error says passes redaction: a server's text may echo a key.
    const say = (message: string) => console.error(`stack-migrator: ${redact(message)}`);
    if (err instanceof UsageError) {
      say(`${err.message} (see --help)`);
      process.exitCode = EXIT.usage;
    } else if (err instanceof StackError || err instanceof DeviceCreateError) {
      // Typed errors carry a message a person understands; no stack trace (and never a key).
      say(err.message);
      process.exitCode = err instanceof StackError && (err.is('Unauthenticated') || err.is('PermissionDenied')) ? EXIT.usage : EXIT.failed;
    } else {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      const path = (err as NodeJS.ErrnoException | null)?.path;
      if ((code === 'EACCES' || code === 'EPERM') && path) say(`permission denied: ${path} cannot be read or written by this user (${code}).`);
      else say(err instanceof Error ? err.message : String(err));
      process.exitCode = EXIT.failed;
    }
  },
);
