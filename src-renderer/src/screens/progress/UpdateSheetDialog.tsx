// "What to update" after a run that carried the application: the new MQTT username and host,
// the webhooks whose receivers must accept the target, the API keys to recreate, the
// settings that failed. Shown as written by main (Markdown), and saved where the person says.
import { useEffect, useState } from 'react';
import { Callout } from '../../components/Callout';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { call, IpcFailure, messageOf } from '../../ipc/bridge';
import { Markdown } from '../../lib/markdown';
import { useNavigation } from '../../stores/navigation';

/** The sheet is written just after the run says it finished: a not-found answer is tried again for a moment. */
const ATTEMPTS = 12;
const PAUSE_MS = 500;

async function readSheet(runId: string, cancelled: () => boolean): Promise<string | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await call('update-sheet:get', { runId })).markdown;
    } catch (err) {
      if (!(err instanceof IpcFailure && err.code === 'not-found') || attempt >= ATTEMPTS || cancelled()) throw err;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      if (cancelled()) return undefined;
    }
  }
}

export function UpdateSheetDialog({ runId, onClose }: { runId: string; onClose(): void }) {
  const toast = useNavigation((s) => s.toast);
  const [markdown, setMarkdown] = useState<string>();
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let gone = false;
    readSheet(runId, () => gone).then(
      (text) => {
        if (!gone && text !== undefined) setMarkdown(text);
      },
      (err: unknown) => {
        if (!gone) setError(messageOf(err));
      },
    );
    return () => {
      gone = true;
    };
  }, [runId]);

  const save = async () => {
    setSaving(true);
    try {
      const result = await call('update-sheet:save', { runId });
      if ('savedTo' in result) toast('good', `Saved to ${result.savedTo}`);
    } catch (err) {
      toast('bad', messageOf(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      title="What to update"
      labelledBy="update-sheet-title"
      wide
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button type="button" className="button button-primary" disabled={markdown === undefined || saving} onClick={() => void save()}>
            <Icon name="save" /> {saving ? 'Saving…' : 'Save as Markdown…'}
          </button>
        </>
      }
    >
      <p>What the people and systems around the application must change now that it lives on the target. No secret is in this sheet.</p>
      {error ? (
        <Callout tone="error" role="alert" title="The sheet could not be read.">
          {error}
        </Callout>
      ) : markdown === undefined ? (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> Reading the sheet…
        </p>
      ) : (
        <div className="update-sheet" data-testid="update-sheet" tabIndex={0} aria-label="The sheet">
          <Markdown source={markdown} topLevel={3} />
        </div>
      )}
    </Dialog>
  );
}
