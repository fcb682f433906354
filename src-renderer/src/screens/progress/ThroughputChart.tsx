// Devices per second over the run, as a small area chart.
import type { ThroughputSample } from '../../stores/run';
import { formatRate } from '../../lib/format';

const W = 320;
const H = 72;

export function ThroughputChart({ samples }: { samples: readonly ThroughputSample[] }) {
  const peak = samples.reduce((m, s) => Math.max(m, s.perSecond), 0);
  const last = samples[samples.length - 1];
  const label = samples.length > 1 ? `Throughput: now ${formatRate(last?.perSecond ?? 0)} devices per second, peak ${formatRate(peak)}.` : 'Throughput: not measured yet.';
  let line = '';
  let area = '';
  if (samples.length > 1) {
    const t0 = (samples[0] as ThroughputSample).at;
    const span = Math.max(1, (last as ThroughputSample).at - t0);
    const top = Math.max(1, peak * 1.15);
    const pts = samples.map((s) => [((s.at - t0) / span) * W, H - (s.perSecond / top) * (H - 4)] as const);
    line = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
    area = `${line} L${W},${H} L0,${H} Z`;
  }
  return (
    <figure className="chart">
      <div className="chart-box">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={label} className="chart-svg">
        <line x1="0" x2={W} y1={H - 0.5} y2={H - 0.5} className="chart-axis" />
        {line ? <line x1="0" x2={W} y1={H / 2} y2={H / 2} className="chart-grid" /> : null}
        {area ? <path d={area} className="chart-area" /> : null}
        {line ? <path d={line} className="chart-line" vectorEffect="non-scaling-stroke" /> : null}
      </svg>
      {!line || peak === 0 ? <div className="chart-empty"><span>Not enough data to chart yet</span></div> : null}
      </div>
      <figcaption className="chart-caption">
        <span>Devices per second</span>
        <span className="muted">peak {formatRate(peak)}</span>
      </figcaption>
    </figure>
  );
}
