// Adds or edits one of the person's trigger commands, checked as the main process checks it.
import { useId, useState, type FormEvent } from 'react';
import { Callout } from '../../components/Callout';
import { messageOf } from '../../ipc/bridge';
import type { TriggerCommand } from '../../ipc/types';
import { fPortProblem, normalizeHex, payloadProblem, repoIdProblem } from '../../lib/trigger-commands';

interface Fields {
  name: string;
  brandId: string;
  modelId: string;
  fPort: string;
  payloadHex: string;
  notes: string;
}

const fieldsOf = (c?: TriggerCommand): Fields => ({
  name: c?.name ?? '',
  brandId: c?.brandId ?? '',
  modelId: c?.modelId ?? '',
  fPort: c ? String(c.fPort) : '',
  payloadHex: c?.payloadHex ?? '',
  notes: c?.notes ?? '',
});

function problemsOf(f: Fields, takenNames: ReadonlySet<string>): Partial<Record<keyof Fields, string>> {
  const name = f.name.trim();
  return {
    name: name === '' ? 'Give the command a name.' : name.length > 60 ? 'At most 60 characters.' : takenNames.has(name) ? 'You already have a command of this name.' : undefined,
    brandId: repoIdProblem(f.brandId),
    modelId: repoIdProblem(f.modelId),
    fPort: fPortProblem(f.fPort),
    payloadHex: payloadProblem(f.payloadHex),
    notes: f.notes.length > 500 ? 'At most 500 characters.' : undefined,
  };
}

export function TriggerCommandForm(props: {
  command?: TriggerCommand;
  /** Names of the person's other commands. */
  takenNames: ReadonlySet<string>;
  builtInNames: ReadonlySet<string>;
  onSave(command: TriggerCommand): Promise<void>;
  onCancel(): void;
}) {
  const ids = useId();
  const [fields, setFields] = useState(() => fieldsOf(props.command));
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const problems = problemsOf(fields, props.takenNames);
  const valid = Object.values(problems).every((p) => !p);
  const set = (key: keyof Fields) => (e: { target: { value: string } }) => setFields({ ...fields, [key]: e.target.value });
  const shown = (key: keyof Fields) => (tried || fields[key] !== '' ? problems[key] : undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!valid) return;
    setBusy(true);
    setError(undefined);
    try {
      await props.onSave({
        name: fields.name.trim(),
        fPort: Number(fields.fPort.trim()),
        payloadHex: normalizeHex(fields.payloadHex),
        ...(fields.brandId.trim() ? { brandId: fields.brandId.trim() } : {}),
        ...(fields.modelId.trim() ? { modelId: fields.modelId.trim() } : {}),
        ...(fields.notes.trim() ? { notes: fields.notes.trim() } : {}),
      });
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  const field = (key: keyof Fields, label: string, opts: { mono?: boolean; placeholder?: string; hint?: string } = {}) => (
    <div className="field">
      <label className="field-label" htmlFor={`${ids}-${key}-input`}>
        {label}
      </label>
      <input
        id={`${ids}-${key}-input`}
        className={`input${opts.mono ? ' mono' : ''}`}
        value={fields[key]}
        placeholder={opts.placeholder}
        spellCheck={false}
        aria-invalid={Boolean(shown(key))}
        aria-describedby={`${ids}-${key}`}
        onChange={set(key)}
      />
      <span className={shown(key) ? 'field-error' : 'field-hint'} id={`${ids}-${key}`}>
        {shown(key) ?? opts.hint}
      </span>
    </div>
  );

  return (
    <form className="trigger-form" aria-label={props.command ? `Edit ${props.command.name}` : 'Add a trigger command'} onSubmit={(e) => void submit(e)} noValidate>
      {field('name', 'Name', {
        placeholder: 'acme-sensor-reboot',
        hint: props.builtInNames.has(fields.name.trim()) ? 'Replaces the built-in command of this name.' : 'What the plan and the command line call it.',
      })}
      <div className="field-row">
        {field('brandId', 'Brand id', { mono: true, placeholder: 'milesight-iot', hint: 'version_ids.brand_id' })}
        {field('modelId', 'Model id', { mono: true, placeholder: 'em320-th', hint: 'version_ids.model_id' })}
      </div>
      <div className="field-row">
        {field('fPort', 'FPort', { mono: true, placeholder: '85', hint: '1 to 223' })}
        {field('payloadHex', 'Payload (hex)', { mono: true, placeholder: 'ff10ff', hint: 'At most 51 bytes' })}
      </div>
      <div className="field">
        <label className="field-label" htmlFor={`${ids}-notes-input`}>
          Notes <span className="muted">(where the maker documents it, what it does)</span>
        </label>
        <textarea
          id={`${ids}-notes-input`}
          className="input textarea"
          rows={2}
          value={fields.notes}
          onChange={set('notes')}
          aria-invalid={Boolean(shown('notes'))}
          aria-describedby={`${ids}-notes`}
        />
        <span className="field-error" id={`${ids}-notes`}>
          {shown('notes')}
        </span>
      </div>
      {error ? (
        <Callout tone="error" role="alert" title="Not saved.">
          {error}
        </Callout>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : props.command ? 'Save changes' : 'Add command'}
        </button>
      </div>
    </form>
  );
}
