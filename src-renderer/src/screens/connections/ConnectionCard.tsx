import { useRef, useState } from 'react';
import { Callout } from '../../components/Callout';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { messageOf } from '../../ipc/bridge';
import type { ConnectionInfo } from '../../ipc/types';
import { describeRight, formatDateTime } from '../../lib/format';
import { hostOf, PRESET_LABEL, presetIcon } from '../../lib/presets';
import { useConnections } from '../../stores/connections';
import { useNavigation } from '../../stores/navigation';
import { RoleReadiness } from './RoleReadiness';

export function ConnectionCard({ connection }: { connection: ConnectionInfo }) {
  const [dialog, setDialog] = useState<'none' | 'remove' | 'key'>('none');
  const rights = connection.rights.map(describeRight);
  return (
    <article className="card connection-card" aria-labelledby={`conn-${connection.id}`} data-testid="connection-card">
      <header className="connection-card-head">
        <span className="connection-icon">
          <Icon name={presetIcon(connection.preset)} />
        </span>
        <div className="connection-card-title">
          <h3 id={`conn-${connection.id}`}>{connection.name}</h3>
          <div className="muted small">
            {PRESET_LABEL[connection.preset]} · {hostOf(connection.isUrl)}
          </div>
        </div>
        <div className="connection-card-actions">
          <button type="button" className="button button-ghost button-small" onClick={() => setDialog('key')}>
            <Icon name="key" /> Replace key
          </button>
          <button
            type="button"
            className="button button-ghost button-small button-danger-text"
            onClick={() => setDialog('remove')}
            aria-label={`Remove ${connection.name}`}
          >
            <Icon name="trash" /> Remove
          </button>
        </div>
      </header>
      <dl className="facts">
        {connection.applicationId ? (
          <>
            <dt>Application</dt>
            <dd className="mono">{connection.applicationId}</dd>
          </>
        ) : null}
        {connection.keyId ? (
          <>
            <dt>API key</dt>
            <dd>
              <span className="mono">{connection.keyId}</span> <span className="muted">(in the system keychain)</span>
            </dd>
          </>
        ) : null}
        {connection.clusterUrl && connection.clusterUrl !== connection.isUrl ? (
          <>
            <dt>Cluster</dt>
            <dd className="mono">{hostOf(connection.clusterUrl)}</dd>
          </>
        ) : null}
        {connection.hasCa ? (
          <>
            <dt>Certificate</dt>
            <dd>Custom CA certificate</dd>
          </>
        ) : null}
        <dt>Added</dt>
        <dd>{formatDateTime(connection.createdAt)}</dd>
      </dl>
      <div className="rights" aria-label="The key may">
        {rights.length === 0 ? <span className="muted small">The key has no rights.</span> : null}
        {rights.map((r) => (
          <span key={r} className="chip">
            {r}
          </span>
        ))}
      </div>
      <div className="readiness-pair">
        <RoleReadiness role="source" missing={connection.missingForSource} />
        <RoleReadiness role="target" missing={connection.missingForTarget} />
      </div>
      {dialog === 'remove' ? <RemoveDialog connection={connection} onClose={() => setDialog('none')} /> : null}
      {dialog === 'key' ? <ReplaceKeyDialog connection={connection} onClose={() => setDialog('none')} /> : null}
    </article>
  );
}

function RemoveDialog({ connection, onClose }: { connection: ConnectionInfo; onClose(): void }) {
  const remove = useConnections((s) => s.remove);
  const toast = useNavigation((s) => s.toast);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      title={`Remove “${connection.name}”?`}
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Keep it
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await remove(connection.id);
                toast('good', `Removed ${connection.name}.`);
                onClose();
              } catch (err) {
                setError(messageOf(err));
                setBusy(false);
              }
            }}
          >
            Remove connection
          </button>
        </>
      }
    >
      <p>Its API key is deleted from the system keychain. Devices on the server are not touched.</p>
      {error ? <Callout tone="error" role="alert">{error}</Callout> : null}
    </Dialog>
  );
}

function ReplaceKeyDialog({ connection, onClose }: { connection: ConnectionInfo; onClose(): void }) {
  const replaceKey = useConnections((s) => s.replaceKey);
  const toast = useNavigation((s) => s.toast);
  const keyInput = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const input = keyInput.current;
    const apiKey = input?.value.trim() ?? '';
    if (!apiKey) {
      setError('Paste the new API key.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await replaceKey(connection.id, apiKey);
      if (input) input.value = '';
      toast('good', `New key saved for ${connection.name}.`);
      onClose();
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Replace the key of “${connection.name}”`}
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button button-primary" disabled={busy} onClick={() => void submit()}>
            {busy ? 'Checking…' : 'Check and save'}
          </button>
        </>
      }
    >
      <label className="field">
        <span className="field-label">New API key</span>
        <input
          ref={keyInput}
          className="input mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="NNSXS.…"
          onKeyDown={(e) => {
            if (e.key === 'Enter') void submit();
          }}
        />
        <span className="field-hint">Checked with the server, then stored in the system keychain.</span>
      </label>
      {error ? <Callout tone="error" role="alert">{error}</Callout> : null}
    </Dialog>
  );
}
