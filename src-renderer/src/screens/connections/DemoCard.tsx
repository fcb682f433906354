import { useState } from 'react';
import { Callout } from '../../components/Callout';
import { Icon } from '../../components/Icon';
import { messageOf } from '../../ipc/bridge';
import { startDemo } from '../../lib/demo';
import { formatCount } from '../../lib/format';

const SIZES = [50, 1_000, 50_000];

export function DemoCard({ prominent }: { prominent: boolean }) {
  const [size, setSize] = useState(SIZES[1] as number);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <section className={`card demo-card${prominent ? ' demo-card-prominent' : ''}`} aria-labelledby="demo-title">
      <div className="demo-art" aria-hidden="true">
        <Icon name="sparkle" />
      </div>
      <h2 id="demo-title" className="card-title">
        Try with simulated stacks
      </h2>
      <p>
        Two simulated The Things Stack servers start on this computer — a “Community Edition” source with example devices and an empty “Cloud”
        target. Nothing leaves your machine; no key is needed.
      </p>
      <div className="demo-controls">
        <label className="field field-inline">
          <span className="field-label">Devices</span>
          <select className="input" value={size} onChange={(e) => setSize(Number(e.target.value))}>
            {SIZES.map((n) => (
              <option key={n} value={n}>
                {formatCount(n)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className={`button ${prominent ? 'button-primary' : ''}`}
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            try {
              await startDemo(size);
            } catch (err) {
              setError(messageOf(err));
              setBusy(false);
            }
          }}
        >
          <Icon name="play" /> {busy ? 'Starting…' : 'Try with simulated stacks'}
        </button>
      </div>
      {error ? <Callout tone="error" role="alert">{error}</Callout> : null}
    </section>
  );
}
