// The plan's re-join trigger: off, the command of each device's model from the library, or
// one command for every device; and how long the source may take to send it.
import { useEffect, useId, useState } from 'react';
import { Icon } from '../../components/Icon';
import type { PlanView } from '../../ipc/types';
import { plural } from '../../lib/format';
import { fPortProblem, payloadProblem, waitProblem, type WaitUnit } from '../../lib/trigger-commands';
import { usePlan } from '../../stores/plan';
import { builtInCommandsOf, userCommandsOf, useTriggers } from '../../stores/triggers';
import { Choice } from './Choice';
import { TriggerLibraryDialog } from './TriggerLibraryDialog';

export function TriggerOptions({ plan }: { plan: PlanView | undefined }) {
  const ids = useId();
  const draft = usePlan((s) => s.triggerDraft);
  const setDraft = usePlan((s) => s.setTriggerDraft);
  const [libraryOpen, setLibraryOpen] = useState(false);
  const otaa = plan?.counts.otaa;
  const known = plan?.options.trigger ? plan.counts.triggerKnown : undefined;
  const unknown = plan?.options.trigger ? plan.counts.triggerUnknown : undefined;
  const fPortError = draft.mode === 'fixed' ? fPortProblem(draft.fPort) : undefined;
  const payloadError = draft.mode === 'fixed' ? payloadProblem(draft.payloadHex) : undefined;
  const waitError = waitProblem(draft.wait, draft.waitUnit);

  return (
    <fieldset className={`option-group trigger-options${draft.enabled ? ' is-on' : ''}`}>
      <legend>
        Re-join trigger {known !== undefined ? <span className="legend-count">{plural(known, 'downlink')}</span> : null}
      </legend>
      <label className="check">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ enabled: e.target.checked })} />
        <span>
          Trigger the re-join with a downlink
          <span className="option-text">
            For OTAA devices{otaa !== undefined ? ` (${otaa.toLocaleString('en')})` : ''}: once the target is verified and the device can no longer
            join the source, the source queues one downlink that makes the device restart — and join the target. A class A device receives it
            after its next uplink.
          </span>
        </span>
      </label>
      {draft.enabled ? (
        <div className="trigger-body">
          <Choice
            name={`${ids}-mode`}
            checked={draft.mode === 'library'}
            onChange={() => setDraft({ mode: 'library' })}
            title="The command for each device’s model"
            text="From the library, by the device’s brand and model. Devices of a model without one must be power-cycled."
          />
          {draft.mode === 'library' ? <LibrarySummary onEdit={() => setLibraryOpen(true)} /> : null}
          <Choice
            name={`${ids}-mode`}
            checked={draft.mode === 'fixed'}
            onChange={() => setDraft({ mode: 'fixed' })}
            title="One command for every device"
            text="Every OTAA device of the plan gets the same downlink."
          />
          {draft.mode === 'fixed' ? (
            <div className="option-field trigger-fixed">
              <div className="field">
                <label className="field-label" htmlFor={`${ids}-fport`}>
                  FPort
                </label>
                <input
                  id={`${ids}-fport`}
                  className="input mono"
                  inputMode="numeric"
                  value={draft.fPort}
                  placeholder="85"
                  aria-invalid={Boolean(fPortError) && draft.fPort !== ''}
                  aria-describedby={`${ids}-fport-error`}
                  onChange={(e) => setDraft({ fPort: e.target.value })}
                />
                <span className="field-error" id={`${ids}-fport-error`}>{draft.fPort !== '' ? fPortError : null}</span>
              </div>
              <div className="field">
                <label className="field-label" htmlFor={`${ids}-payload`}>
                  Payload (hex)
                </label>
                <input
                  id={`${ids}-payload`}
                  className="input mono"
                  value={draft.payloadHex}
                  placeholder="ff10ff"
                  spellCheck={false}
                  aria-invalid={Boolean(payloadError) && draft.payloadHex !== ''}
                  aria-describedby={`${ids}-payload-error`}
                  onChange={(e) => setDraft({ payloadHex: e.target.value })}
                />
                <span className="field-error" id={`${ids}-payload-error`}>{draft.payloadHex !== '' ? payloadError : null}</span>
              </div>
            </div>
          ) : null}
          <WaitField id={`${ids}-wait`} value={draft.wait} unit={draft.waitUnit} error={waitError} onChange={(wait, waitUnit) => setDraft({ wait, waitUnit })} />
          {unknown !== undefined && unknown > 0 ? (
            <p className="option-warning">
              <Icon name="warning" /> {plural(unknown, 'device')} of the plan {unknown === 1 ? 'has' : 'have'} no trigger known: power-cycle{' '}
              {unknown === 1 ? 'it' : 'them'} after the migration.
            </p>
          ) : null}
          <p className="option-text">
            <Icon name="info" /> The Things Stack Community Edition allows about 10 downlinks per device a day. Each device gets this downlink once;
            it is never retried by itself.
          </p>
        </div>
      ) : null}
      {libraryOpen ? <TriggerLibraryDialog onClose={() => setLibraryOpen(false)} /> : null}
    </fieldset>
  );
}

function LibrarySummary({ onEdit }: { onEdit(): void }) {
  const commands = useTriggers((s) => s.commands);
  const loaded = useTriggers((s) => s.loaded);
  const loadError = useTriggers((s) => s.loadError);
  useEffect(() => {
    if (!useTriggers.getState().loaded) void useTriggers.getState().load();
  }, []);
  const builtIn = builtInCommandsOf(commands).length;
  const mine = userCommandsOf(commands).length;
  return (
    <div className="option-field trigger-library-summary">
      {loadError ? (
        <span className="field-error" role="alert">
          The trigger library could not be read: {loadError}
        </span>
      ) : (
        <span className="option-text" data-testid="trigger-library-summary">
          {loaded ? `${plural(builtIn, 'built-in command')}, ${plural(mine, 'of yours', 'of yours')}.` : 'Reading the library…'}
        </span>
      )}
      <button type="button" className="button button-small" onClick={onEdit}>
        <Icon name="edit" /> Edit library…
      </button>
    </div>
  );
}

const UNITS: WaitUnit[] = ['seconds', 'minutes', 'hours'];

function WaitField(props: { id: string; value: string; unit: WaitUnit; error?: string; onChange(value: string, unit: WaitUnit): void }) {
  return (
    <div className="field trigger-wait">
      <span className="field-label" id={`${props.id}-label`}>
        Wait for the source to send it
      </span>
      <div className="trigger-wait-inputs" role="group" aria-labelledby={`${props.id}-label`}>
        <input
          className="input"
          inputMode="decimal"
          aria-label="Wait time"
          value={props.value}
          aria-invalid={Boolean(props.error)}
          aria-describedby={`${props.id}-hint`}
          onChange={(e) => props.onChange(e.target.value, props.unit)}
        />
        <select className="input" aria-label="Wait unit" value={props.unit} onChange={(e) => props.onChange(props.value, e.target.value as WaitUnit)}>
          {UNITS.map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </select>
      </div>
      <span className={props.error ? 'field-error' : 'field-hint'} id={`${props.id}-hint`}>
        {props.error ?? 'Then the source is quieted anyway (the trigger stays unsent); the other devices go on meanwhile.'}
      </span>
    </div>
  );
}
