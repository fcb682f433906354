// Placeholder workspace: the two device panes side by side.
interface PaneProps {
  side: 'source' | 'target';
  title: string;
  hint: string;
}

function Pane({ side, title, hint }: PaneProps) {
  const headingId = `${side}-pane-title`;
  return (
    <section className="pane" aria-labelledby={headingId} data-testid={`${side}-pane`}>
      <h2 id={headingId}>{title}</h2>
      <p className="pane-hint">{hint}</p>
    </section>
  );
}

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>Stack Migrator</h1>
      </header>
      <main className="workspace">
        <Pane side="source" title="Source" hint="Connect a source application to list its devices." />
        <Pane side="target" title="Target" hint="Connect a target application to drop devices onto it." />
      </main>
    </div>
  );
}
