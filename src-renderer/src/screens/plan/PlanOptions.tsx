// The choices that shape the plan. Changing one re-runs the dry run.
import { useId } from 'react';
import { Icon } from '../../components/Icon';
import type { PlanView } from '../../ipc/types';
import { plural } from '../../lib/format';
import { targetAppMissing } from '../../lib/application';
import { isPrefixValid, usePlan } from '../../stores/plan';
import { ApplicationOptions } from './ApplicationOptions';
import { Choice } from './Choice';
import { TriggerOptions } from './TriggerOptions';

export function PlanOptions({ plan }: { plan: PlanView | undefined }) {
  const ids = useId();
  const options = usePlan((s) => s.options);
  const setOptions = usePlan((s) => s.setOptions);
  const otaa = plan?.counts.otaa;
  const abp = plan?.counts.abp;
  const abpMissing = (abp ?? 0) > 0 && !options.abpMode;
  const mapping = options.idMapping ?? { kind: 'same' as const };
  const prefix = mapping.kind === 'prefix' ? mapping.prefix : '';
  const downlinksOff = plan?.devices.filter((d) => [...d.blockers, ...d.warnings].some((i) => i.code === 'downlinks-off')).length ?? 0;
  const appFirst = targetAppMissing(plan);
  const external = plan?.devices.filter((d) => d.blockers.some((b) => b.code === 'root-keys-unreadable') || d.warnings.some((w) => w.code === 'new-root-keys')).length ?? 0;

  return (
    <div className="plan-options">
      {downlinksOff > 0 || options.sourceDownlinksOff ? (
        <fieldset className={`option-group${downlinksOff > 0 && !options.sourceDownlinksOff ? ' is-required' : ''}`}>
          <legend>
            Downlinks turned off on the source <span className="legend-count">{formatN(downlinksOff)}</span>
          </legend>
          <p className="option-lead">You turned downlinks off on the source for {plural(downlinksOff, 'device')} (not Stack Migrator): say what the target does.</p>
          <Choice
            name={`${ids}-downlinks`}
            checked={options.sourceDownlinksOff === 'keep-off'}
            onChange={() => setOptions({ sourceDownlinksOff: 'keep-off' })}
            title="Keep them off on the target"
            text="The target sends these devices no Join Accept and no downlink either: OTAA devices cannot join it until you turn downlinks on."
          />
          <Choice
            name={`${ids}-downlinks`}
            checked={options.sourceDownlinksOff === 'turn-on'}
            onChange={() => setOptions({ sourceDownlinksOff: 'turn-on' })}
            title="Turn them on on the target"
            text="The target answers these devices like any other."
          />
        </fieldset>
      ) : null}

      {/* A missing target application blocks the plan: its choice comes first then. */}
      {appFirst ? <ApplicationOptions plan={plan} /> : null}

      <fieldset className="option-group">
        <legend>
          OTAA devices {otaa !== undefined ? <span className="legend-count">{formatN(otaa)}</span> : null}
        </legend>
        <p className="option-lead">Once a device is verified on the target, its source registration must stop it from joining the source again.</p>
        <Choice
          name={`${ids}-otaa`}
          checked={options.otaaSourceAction !== 'delete'}
          onChange={() => setOptions({ otaaSourceAction: 'rotate-keys' })}
          title="Replace the root keys on the source"
          badge="Recommended"
          text="The source keeps the device and its history, but with a random key it can never join there again."
        />
        <Choice
          name={`${ids}-otaa`}
          checked={options.otaaSourceAction === 'delete'}
          onChange={() => setOptions({ otaaSourceAction: 'delete' })}
          title="Delete the device from the source"
          text="The source forgets the device once the target is verified."
        />
      </fieldset>

      <TriggerOptions plan={plan} />

      <fieldset className={`option-group${abpMissing ? ' is-required' : ''}`} aria-describedby={abpMissing ? `${ids}-abp-required` : undefined}>
        <legend>
          ABP devices {abp !== undefined ? <span className="legend-count">{formatN(abp)}</span> : null}
        </legend>
        {abpMissing ? (
          <p className="option-required" id={`${ids}-abp-required`} role="alert">
            <Icon name="warning" /> The selection has {plural(abp ?? 0, 'ABP device')}: choose how they move.
          </p>
        ) : abp === 0 ? (
          <p className="option-lead">No ABP device in this selection.</p>
        ) : (
          <p className="option-lead">ABP devices do not join: either they get a new session, or they keep the old one.</p>
        )}
        <Choice
          name={`${ids}-abp`}
          checked={options.abpMode === 'new-session'}
          onChange={() => setOptions({ abpMode: 'new-session' })}
          title="New session — re-program the devices"
          badge="Recommended"
          text="The target assigns a new DevAddr and session keys; you get a re-programming sheet. Works while the gateways stay on The Things Network. The source registration stays (quiet) until you confirm the re-programming."
        />
        <Choice
          name={`${ids}-abp`}
          checked={options.abpMode === 'keep-session'}
          onChange={() => setOptions({ abpMode: 'keep-session' })}
          title="Keep DevAddr and session keys"
          text="No re-programming, but frame counters restart (reset the devices)."
          warning="Packet Broker routes by DevAddr: this traffic reaches the target only if the devices’ gateways move to the target too."
        />
      </fieldset>

      <fieldset className="option-group">
        <legend>Device ids on the target</legend>
        <Choice name={`${ids}-ids`} checked={mapping.kind === 'same'} onChange={() => setOptions({ idMapping: { kind: 'same' } })} title="Keep the same ids" />
        <Choice
          name={`${ids}-ids`}
          checked={mapping.kind === 'prefix'}
          onChange={() => setOptions({ idMapping: { kind: 'prefix', prefix: prefix || 'ttn-' } })}
          title="Add a prefix"
          text={mapping.kind === 'prefix' && prefix ? `probe-0001 becomes ${prefix}probe-0001` : undefined}
        />
        {mapping.kind === 'prefix' ? (
          <label className="field option-field">
            <span className="visually-hidden">Prefix</span>
            <input
              className="input mono"
              value={prefix}
              spellCheck={false}
              aria-invalid={!isPrefixValid(prefix)}
              onChange={(e) => setOptions({ idMapping: { kind: 'prefix', prefix: e.target.value.toLowerCase() } })}
            />
            {!isPrefixValid(prefix) ? <span className="field-error">Lower-case letters, digits and dashes.</span> : null}
          </label>
        ) : null}
      </fieldset>

      {appFirst ? null : <ApplicationOptions plan={plan} />}

      {external > 0 || options.generateKeysForExternalJoinServer ? (
        <fieldset className="option-group">
          <legend>
            Keys on an external Join Server <span className="legend-count">{formatN(external)}</span>
          </legend>
          <label className="check">
            <input
              type="checkbox"
              checked={Boolean(options.generateKeysForExternalJoinServer)}
              onChange={(e) => setOptions({ generateKeysForExternalJoinServer: e.target.checked })}
            />
            <span>
              Generate new root keys for them
              <span className="option-text">Their keys cannot be read, so they can only move with new keys — and must then be re-programmed.</span>
            </span>
          </label>
        </fieldset>
      ) : null}
    </div>
  );
}

const formatN = (n: number) => n.toLocaleString('en');
