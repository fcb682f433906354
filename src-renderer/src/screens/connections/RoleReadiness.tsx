import { Icon } from '../../components/Icon';

/** "As a source: ready" or what the key cannot do, in main's words. */
export function RoleReadiness({ role, missing }: { role: 'source' | 'target'; missing: readonly string[] }) {
  const ok = missing.length === 0;
  return (
    <div className={`readiness ${ok ? 'readiness-ok' : 'readiness-missing'}`}>
      <Icon name={ok ? 'check' : 'warning'} />
      <div>
        <div className="readiness-title">
          As a {role}: {ok ? 'ready' : 'not enough rights'}
        </div>
        {ok ? null : (
          <ul className="readiness-list">
            {missing.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
