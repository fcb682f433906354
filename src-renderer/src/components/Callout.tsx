import type { ReactNode } from 'react';
import { Icon } from './Icon';

/** A message in a box: errors in words, warnings, tips. */
export function Callout({
  tone,
  title,
  children,
  role,
  actions,
}: {
  tone: 'error' | 'warning' | 'info' | 'good';
  title?: ReactNode;
  children?: ReactNode;
  role?: 'alert' | 'status';
  actions?: ReactNode;
}) {
  const icon = tone === 'error' ? 'failed' : tone === 'warning' ? 'warning' : tone === 'good' ? 'joined' : 'info';
  return (
    <div className={`callout callout-${tone}`} role={role}>
      <Icon name={icon} className="callout-icon" />
      <div className="callout-body">
        {title ? <div className="callout-title">{title}</div> : null}
        {children ? <div className="callout-text">{children}</div> : null}
      </div>
      {actions ? <div className="callout-actions">{actions}</div> : null}
    </div>
  );
}
