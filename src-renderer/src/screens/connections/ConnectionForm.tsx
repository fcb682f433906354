// Adding a connection. The API key lives only in its (uncontrolled) input until it is sent
// to main; the input is emptied once main has stored it.
import { useId, useRef, useState } from 'react';
import { Callout } from '../../components/Callout';
import { Icon } from '../../components/Icon';
import { messageOf } from '../../ipc/bridge';
import type { ConnectionInfo, Preset, Region, ResponseOf } from '../../ipc/types';
import { describeRight } from '../../lib/format';
import { PRESET_KINDS, presetAddress, REGIONS, suggestName, type PresetKind } from '../../lib/presets';
import { isInsecureRemoteUrl } from '../../../../src-main/stack/loopback';
import { useConnections } from '../../stores/connections';
import { RoleReadiness } from './RoleReadiness';

const TENANT = /^[a-z0-9](?:-?[a-z0-9])*$/;
const APP_ID = /^[a-z0-9](?:-?[a-z0-9]){2,}$/;
/** The shape main accepts; a friendlier word than main's schema message for the common slip. */
const API_KEY = /^[A-Za-z0-9._-]{16,512}$/;

interface Draft {
  kind: PresetKind;
  region: Region;
  tenant: string;
  isUrl: string;
  clusterUrl: string;
  ca?: { name: string; pem: string };
  name: string;
  nameTouched: boolean;
  applicationId: string;
  /** The user confirmed sending the key over plain http:// to another computer. */
  insecureOk: boolean;
}

const EMPTY: Draft = { kind: 'ttn', region: 'eu1', tenant: '', isUrl: '', clusterUrl: '', name: '', nameTouched: false, applicationId: '', insecureOk: false };

/** A custom address over plain http:// to a host other than this computer (main refuses it unless confirmed). */
const insecureHttp = (d: Draft) => d.kind === 'custom' && [d.isUrl, d.clusterUrl].some((u) => u.trim() !== '' && isInsecureRemoteUrl(u));

function presetOf(d: Draft): Preset {
  switch (d.kind) {
    case 'ttn':
      return { kind: 'ttn', region: d.region };
    case 'tts-cloud':
      return { kind: 'tts-cloud', tenant: d.tenant.trim(), region: d.region };
    case 'custom':
      return {
        kind: 'custom', isUrl: d.isUrl.trim(), clusterUrl: (d.clusterUrl.trim() || d.isUrl.trim()), ...(d.ca ? { ca: d.ca.pem } : {}),
        ...(d.insecureOk && insecureHttp(d) ? { allowInsecureHttp: true } : {}),
      };
  }
}

/** What is wrong with the draft, in words; undefined when it can be sent. */
function problemOf(d: Draft): string | undefined {
  if (d.kind === 'tts-cloud' && !TENANT.test(d.tenant.trim())) return 'Enter your tenant id: lower-case letters, digits and dashes (as in acme.eu1.cloud.thethings.industries).';
  if (d.kind === 'custom') {
    if (!/^https?:\/\/\S+$/i.test(d.isUrl.trim())) return 'Enter the Identity Server address, starting with https://.';
    if (d.clusterUrl.trim() && !/^https?:\/\/\S+$/i.test(d.clusterUrl.trim())) return 'The cluster address must start with https://.';
    if (insecureHttp(d) && !d.insecureOk) {
      return 'The address is plain http:// to another computer: the API key would cross the network unencrypted. Use https://, or confirm below the address that you accept the risk.';
    }
  }
  if (d.applicationId.trim() && !APP_ID.test(d.applicationId.trim())) return 'An application id has lower-case letters, digits and dashes, at least 3 characters.';
  return undefined;
}

export function ConnectionForm({ onAdded }: { onAdded?(c: ConnectionInfo): void }) {
  const ids = useId();
  const { add, test } = useConnections.getState();
  const keyInput = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [busy, setBusy] = useState<'none' | 'test' | 'add'>('none');
  const [error, setError] = useState<string>();
  const [checked, setChecked] = useState<ResponseOf<'connections:test'>>();
  const [added, setAdded] = useState<ConnectionInfo>();

  const update = (patch: Partial<Draft>) => {
    setChecked(undefined);
    setDraft((d) => {
      const next = { ...d, ...patch };
      if (!next.nameTouched) next.name = suggestName(presetOf(next));
      return next;
    });
  };
  const name = draft.name || suggestName(presetOf(draft));

  const readKey = (): string | undefined => {
    const key = keyInput.current?.value.trim() ?? '';
    if (!key) {
      setError('Paste an API key. Create one in the Console under your application → API keys.');
      keyInput.current?.focus();
      return undefined;
    }
    if (!API_KEY.test(key)) {
      setError('That does not look like an API key. Keys of The Things Stack look like NNSXS.ABCD…: letters, digits, dots and dashes, at least 16 characters.');
      keyInput.current?.focus();
      return undefined;
    }
    return key;
  };

  const onCheck = async () => {
    const problem = problemOf(draft);
    if (problem) return setError(problem);
    const apiKey = readKey();
    if (!apiKey) return;
    setBusy('test');
    setError(undefined);
    setAdded(undefined);
    try {
      setChecked(await test(presetOf(draft), apiKey));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy('none');
    }
  };

  const onSave = async () => {
    const problem = problemOf(draft);
    if (problem) return setError(problem);
    const apiKey = readKey();
    if (!apiKey) return;
    setBusy('add');
    setError(undefined);
    setChecked(undefined);
    try {
      const applicationId = draft.applicationId.trim() || checked?.applicationId;
      const connection = await add({ name: name.trim() || 'Connection', preset: presetOf(draft), apiKey, ...(applicationId ? { applicationId } : {}) });
      if (keyInput.current) keyInput.current.value = '';
      setAdded(connection);
      setChecked(undefined);
      setDraft(EMPTY);
      onAdded?.(connection);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy('none');
    }
  };

  const onCaFile = async (file: File | undefined) => {
    if (!file) return;
    const pem = await file.text();
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      setError(`${file.name} is not a PEM certificate (it has no “BEGIN CERTIFICATE” line).`);
      return;
    }
    setError(undefined);
    update({ ca: { name: file.name, pem } });
  };

  return (
    <form
      className="card connection-form"
      aria-labelledby={`${ids}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void onSave();
      }}
    >
      <h2 id={`${ids}-title`} className="card-title">
        Add a connection
      </h2>
      <fieldset className="preset-picker">
        <legend className="field-label">Deployment</legend>
        <div className="preset-options">
          {PRESET_KINDS.map((p) => (
            <label key={p.kind} className={`preset-option${draft.kind === p.kind ? ' is-checked' : ''}`}>
              <input type="radio" name={`${ids}-preset`} value={p.kind} checked={draft.kind === p.kind} onChange={() => update({ kind: p.kind })} />
              <span className="preset-title">{p.title}</span>
              <span className="preset-subtitle">{p.subtitle}</span>
            </label>
          ))}
        </div>
      </fieldset>

      {draft.kind === 'tts-cloud' ? (
        <label className="field">
          <span className="field-label">Tenant id</span>
          <input className="input" value={draft.tenant} placeholder="acme" spellCheck={false} onChange={(e) => update({ tenant: e.target.value.toLowerCase() })} />
        </label>
      ) : null}
      {draft.kind !== 'custom' ? (
        <label className="field">
          <span className="field-label">Cluster</span>
          <select className="input" value={draft.region} onChange={(e) => update({ region: e.target.value as Region })}>
            {REGIONS.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
          <span className="field-hint mono">{presetAddress(presetOf(draft))}</span>
        </label>
      ) : (
        <>
          <label className="field">
            <span className="field-label">Identity Server address</span>
            <input className="input mono" value={draft.isUrl} placeholder="https://thethings.example.com" spellCheck={false} onChange={(e) => update({ isUrl: e.target.value })} />
          </label>
          <label className="field">
            <span className="field-label">Cluster address <span className="muted">(optional)</span></span>
            <input className="input mono" value={draft.clusterUrl} placeholder="Same as the Identity Server" spellCheck={false} onChange={(e) => update({ clusterUrl: e.target.value })} />
            <span className="field-hint">Where the Network, Application and Join Servers answer, when it differs.</span>
          </label>
          {insecureHttp(draft) ? (
            <label className="check insecure-http">
              <input type="checkbox" checked={draft.insecureOk} onChange={(e) => update({ insecureOk: e.target.checked })} />
              <span>
                Send the API key over plain HTTP
                <span className="option-text">
                  Unencrypted: anyone on the network between here and the server can read the key and use it with all its rights. Only for a
                  network you trust; prefer https:// (with the CA certificate below for a private authority).
                </span>
              </span>
            </label>
          ) : null}
          <div className="field">
            <span className="field-label">CA certificate <span className="muted">(optional)</span></span>
            {draft.ca ? (
              <div className="file-chip">
                <Icon name="shield" /> <span className="mono">{draft.ca.name}</span>
                <button type="button" className="button button-ghost button-small" onClick={() => update({ ca: undefined })}>
                  Remove
                </button>
              </div>
            ) : (
              <label className="button button-small file-button">
                Choose PEM file…
                <input type="file" accept=".pem,.crt,.cer,application/x-pem-file" className="visually-hidden" onChange={(e) => void onCaFile(e.target.files?.[0])} />
              </label>
            )}
            <span className="field-hint">For a server whose certificate is signed by your own authority.</span>
          </div>
        </>
      )}

      <label className="field">
        <span className="field-label">API key</span>
        <input
          ref={keyInput}
          className="input mono"
          type="password"
          name="api-key"
          autoComplete="off"
          spellCheck={false}
          placeholder="NNSXS.…"
          onChange={() => setChecked(undefined)}
        />
        <span className="field-hint">
          <Icon name="shield" /> Goes straight to the system keychain; Stack Migrator never shows it again.
        </span>
      </label>
      <div className="field-row">
        <label className="field">
          <span className="field-label">Application id <span className="muted">(optional)</span></span>
          <input className="input mono" value={draft.applicationId} placeholder={checked?.applicationId ?? 'from the key'} spellCheck={false} onChange={(e) => update({ applicationId: e.target.value.toLowerCase() })} />
        </label>
        <label className="field">
          <span className="field-label">Name</span>
          <input className="input" value={name} onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value, nameTouched: true }))} />
        </label>
      </div>

      {error ? (
        <Callout tone="error" role="alert">
          {error}
        </Callout>
      ) : null}
      {checked ? <CheckResult result={checked} /> : null}
      {added ? (
        <Callout tone="good" role="status" title={`Saved “${added.name}”.`}>
          <div className="readiness-pair">
            <RoleReadiness role="source" missing={added.missingForSource} />
            <RoleReadiness role="target" missing={added.missingForTarget} />
          </div>
        </Callout>
      ) : null}

      <div className="form-actions">
        <button type="button" className="button" disabled={busy !== 'none'} onClick={() => void onCheck()}>
          {busy === 'test' ? 'Checking…' : 'Check key'}
        </button>
        <button type="submit" className="button button-primary" disabled={busy !== 'none'}>
          {busy === 'add' ? 'Saving…' : 'Save connection'}
        </button>
      </div>
    </form>
  );
}

function CheckResult({ result }: { result: ResponseOf<'connections:test'> }) {
  return (
    <Callout
      tone={result.ok ? (result.problems.length ? 'warning' : 'good') : 'error'}
      role="status"
      title={result.ok ? `The key works${result.keyId ? ` (${result.keyId})` : ''}${result.applicationId ? ` for application ${result.applicationId}` : ''}.` : 'The key does not work here.'}
    >
      {result.rights.length ? <p className="small">It may: {result.rights.map(describeRight).join(', ')}.</p> : null}
      {result.ok && result.applicationCreation ? <p className="small">{result.applicationCreation}</p> : null}
      {result.problems.length ? (
        <ul className="readiness-list">
          {result.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
    </Callout>
  );
}
