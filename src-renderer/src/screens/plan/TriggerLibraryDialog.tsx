// The trigger command library: the built-in commands (read-only, with the maker's page they
// come from) and the person's own — added, edited, removed, exported and imported.
import { useEffect, useState, type ReactNode } from 'react';
import { Callout } from '../../components/Callout';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { messageOf } from '../../ipc/bridge';
import type { TriggerCommand } from '../../ipc/types';
import { plural } from '../../lib/format';
import { modelOf } from '../../lib/trigger-commands';
import { builtInCommandsOf, userCommandsOf, useTriggers } from '../../stores/triggers';
import { TriggerCommandForm } from './TriggerCommandForm';

/** Which of the person's commands is open in the form: a name, or a new one. */
type Editing = { kind: 'new' } | { kind: 'edit'; name: string } | undefined;

export function TriggerLibraryDialog({ onClose }: { onClose(): void }) {
  const commands = useTriggers((s) => s.commands);
  const loadError = useTriggers((s) => s.loadError);
  // Said inside the dialog: a toast would be behind it.
  const [notice, setNotice] = useState<string>();
  const [editing, setEditing] = useState<Editing>();
  const [removing, setRemoving] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const mine = userCommandsOf(commands);
  const builtIn = builtInCommandsOf(commands);
  useEffect(() => {
    void useTriggers.getState().load();
  }, []);

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await what();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const save = (next: TriggerCommand[]) => useTriggers.getState().saveUserCommands(next);
  const names = (except?: string) => new Set(mine.map((c) => c.name).filter((n) => n !== except));

  return (
    <Dialog
      wide
      title="Trigger commands"
      labelledBy="trigger-library-title"
      onClose={onClose}
      actions={
        <button type="button" className="button button-primary" onClick={onClose}>
          Done
        </button>
      }
    >
      <p>
        A trigger is a downlink — an FPort and a payload — that makes a device restart and join again. A device gets the command of its brand and
        model (its version ids in The Things Stack); your commands come before the built-in ones.
      </p>
      <div className="library-toolbar">
        <button type="button" className="button" disabled={busy} onClick={() => void act(async () => {
          const n = await useTriggers.getState().importFile();
          if (n !== undefined) setNotice(`Library imported: you now have ${plural(n, 'command')}.`);
        })}>
          <Icon name="import" /> Import…
        </button>
        <button type="button" className="button" disabled={busy || mine.length === 0} title={mine.length === 0 ? 'You have no command of your own to export.' : undefined} onClick={() => void act(async () => {
          const to = await useTriggers.getState().exportFile();
          if (to) setNotice(`Saved to ${to}`);
        })}>
          <Icon name="save" /> Export…
        </button>
        <span className="toolbar-space" />
        <button type="button" className="button" disabled={editing !== undefined} onClick={() => setEditing({ kind: 'new' })}>
          <Icon name="plus" /> Add a command
        </button>
      </div>
      {loadError ? <Callout tone="error" role="alert" title="The library could not be read.">{loadError}</Callout> : null}
      {error ? <Callout tone="error" role="alert">{error}</Callout> : null}
      <div role="status" aria-live="polite">
        {notice ? <Callout tone="good">{notice}</Callout> : null}
      </div>

      <section aria-labelledby="library-mine-title" className="library-section">
        <h3 id="library-mine-title" className="library-heading">
          Your commands <span className="legend-count">{mine.length}</span>
        </h3>
        {editing?.kind === 'new' ? (
          <TriggerCommandForm
            takenNames={names()}
            builtInNames={new Set(builtIn.map((c) => c.name))}
            onCancel={() => setEditing(undefined)}
            onSave={async (command) => {
              await save([...mine, command]);
              setEditing(undefined);
              setNotice(`Added “${command.name}”.`);
            }}
          />
        ) : null}
        {mine.length === 0 && editing?.kind !== 'new' ? <p className="muted">None yet. Add the command your devices’ maker documents for a rejoin or reboot.</p> : null}
        <ul className="library-list" aria-label="Your commands">
          {mine.map((c) =>
            editing?.kind === 'edit' && editing.name === c.name ? (
              <li key={c.name} className="library-item is-editing">
                <TriggerCommandForm
                  command={c}
                  takenNames={names(c.name)}
                  builtInNames={new Set(builtIn.map((b) => b.name))}
                  onCancel={() => setEditing(undefined)}
                  onSave={async (changed) => {
                    await save(mine.map((m) => (m.name === c.name ? changed : m)));
                    setEditing(undefined);
                  }}
                />
              </li>
            ) : (
              <CommandItem key={c.name} command={c}>
                {removing === c.name ? (
                  <span className="library-confirm" role="group" aria-label={`Remove ${c.name}?`}>
                    <span>Remove it?</span>
                    <button type="button" className="button button-small" onClick={() => setRemoving(undefined)}>
                      Keep
                    </button>
                    <button type="button" className="button button-small button-danger" disabled={busy} onClick={() => void act(async () => {
                      await save(mine.filter((m) => m.name !== c.name));
                      setRemoving(undefined);
                    })}>
                      Remove
                    </button>
                  </span>
                ) : (
                  <>
                    <button type="button" className="button button-small" aria-label={`Edit ${c.name}`} disabled={editing !== undefined} onClick={() => setEditing({ kind: 'edit', name: c.name })}>
                      <Icon name="edit" /> Edit
                    </button>
                    <button type="button" className="button button-small button-danger-text" aria-label={`Remove ${c.name}`} onClick={() => setRemoving(c.name)}>
                      <Icon name="trash" /> Remove
                    </button>
                  </>
                )}
              </CommandItem>
            ),
          )}
        </ul>
      </section>

      <section aria-labelledby="library-builtin-title" className="library-section">
        <h3 id="library-builtin-title" className="library-heading">
          Built in <span className="legend-count">{builtIn.length}</span>
        </h3>
        <p className="muted small">Only where the maker’s public documentation gives the command. Read-only: to change one, add yours of the same name — it takes the built-in’s place.</p>
        <ul className="library-list" aria-label="Built-in commands">
          {builtIn.map((c) => (
            <CommandItem key={c.name} command={c}>
              <span className="badge badge-muted">Read-only</span>
            </CommandItem>
          ))}
        </ul>
      </section>
    </Dialog>
  );
}

function CommandItem({ command, children }: { command: TriggerCommand; children: ReactNode }) {
  return (
    <li className="library-item" data-command={command.name}>
      <div className="library-item-main">
        <div className="library-item-head">
          <strong className="library-name">{command.name}</strong>
          <span className="muted mono small">{modelOf(command)}</span>
        </div>
        <div className="library-item-facts">
          <span>
            FPort <span className="mono">{command.fPort}</span>
          </span>
          <span>
            Payload <span className="mono">{command.payloadHex}</span>
          </span>
        </div>
        {command.notes ? <p className="library-notes">{command.notes}</p> : null}
        {command.source ? (
          <p className="library-source small">
            Source: <span className="mono selectable">{command.source}</span>
          </p>
        ) : null}
      </div>
      <div className="library-item-actions">{children}</div>
    </li>
  );
}
