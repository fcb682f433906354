// Small line icons drawn inline (SVG elements are not blocked by the CSP; no icon font).
import type { ReactNode } from 'react';
import type { IconName as StateIconName } from '../lib/device-states';

export type IconName =
  | StateIconName
  | 'search' | 'plug' | 'arrow-right' | 'warning' | 'info' | 'check' | 'close' | 'refresh' | 'pause'
  | 'play' | 'stop' | 'retry' | 'save' | 'chevron-down' | 'plus' | 'trash' | 'key' | 'filter' | 'grip'
  | 'sparkle' | 'server' | 'cloud' | 'app' | 'list' | 'shield' | 'clock' | 'import' | 'edit';

const PATHS: Record<IconName, ReactNode> = {
  queued: <circle cx="8" cy="8" r="5.5" strokeDasharray="2.2 2.2" />,
  reading: (
    <>
      <path d="M8 2.5v7.5M4.8 7l3.2 3.2L11.2 7" />
      <path d="M3 13h10" />
    </>
  ),
  quieting: (
    <>
      <path d="M4.5 11V7.5a3.5 3.5 0 0 1 5.6-2.8M11.5 7.3V11H6" />
      <path d="M7 13.2h2M2.5 2.5l11 11" />
    </>
  ),
  creating: (
    <>
      <rect x="2.5" y="2.5" width="11" height="11" rx="2.5" />
      <path d="M8 5.2v5.6M5.2 8h5.6" />
    </>
  ),
  verifying: (
    <>
      <circle cx="7" cy="7" r="4.3" />
      <path d="M10.2 10.2 13.5 13.5M5.2 7.1l1.3 1.3 2.4-2.6" />
    </>
  ),
  retiring: (
    <>
      <circle cx="5.5" cy="10.5" r="3" />
      <path d="M7.6 8.4 13 3M11 5l1.6 1.6M9.6 6.4l1.3 1.3" />
    </>
  ),
  trigger: <path d="M9.2 1.8 3.8 9h4l-1 5.2L12.2 7h-4z" />,
  'trigger-sent': (
    <>
      <path d="M2.2 7.3 13.8 2.2 9.6 13.8 7.6 8.4z" />
      <path d="M7.6 8.4 13.8 2.2" />
    </>
  ),
  waiting: <path d="M4.5 2.5h7M4.5 13.5h7M5.2 2.5c0 3.5 5.6 3.5 5.6 5.5s-5.6 2-5.6 5.5M10.8 2.5c0 3.5-5.6 3.5-5.6 5.5s5.6 2 5.6 5.5" />,
  joined: (
    <>
      <circle cx="8" cy="8" r="6" className="icon-fill" />
      <path d="M5.3 8.2 7.2 10l3.6-4" className="icon-on-fill" />
    </>
  ),
  reprogram: (
    <>
      <rect x="4" y="4" width="8" height="8" rx="1.5" />
      <path d="M6.5 2v2M9.5 2v2M6.5 12v2M9.5 12v2M2 6.5h2M2 9.5h2M12 6.5h2M12 9.5h2" />
    </>
  ),
  failed: (
    <>
      <circle cx="8" cy="8" r="6" className="icon-fill" />
      <path d="M5.8 5.8l4.4 4.4M10.2 5.8l-4.4 4.4" className="icon-on-fill" />
    </>
  ),
  'rolled-back': (
    <>
      <path d="M5 4.5 2.5 7 5 9.5" />
      <path d="M2.8 7H10a3.3 3.3 0 0 1 0 6.6H6.5" />
    </>
  ),
  cancelled: (
    <>
      <circle cx="8" cy="8" r="5.5" />
      <path d="M4.2 11.8l7.6-7.6" />
    </>
  ),
  skipped: <path d="M3.5 4l5 4-5 4zM9.5 4l4 4-4 4" />,
  blocked: (
    <>
      <circle cx="8" cy="8" r="6" className="icon-fill" />
      <path d="M5 8h6" className="icon-on-fill" />
    </>
  ),
  search: (
    <>
      <circle cx="7" cy="7" r="4.3" />
      <path d="M10.2 10.2 13.5 13.5" />
    </>
  ),
  plug: <path d="M6 2v3M10 2v3M4.5 5h7v2.5a3.5 3.5 0 0 1-7 0zM8 11v3" />,
  'arrow-right': <path d="M2.5 8h11M9.5 4l4 4-4 4" />,
  warning: (
    <>
      <path d="M8 2.2 14.2 13H1.8z" />
      <path d="M8 6.3v3.2M8 11.3v.1" />
    </>
  ),
  info: (
    <>
      <circle cx="8" cy="8" r="6" />
      <path d="M8 7.3v4M8 4.9v.1" />
    </>
  ),
  check: <path d="M3.2 8.4 6.4 11.4 12.8 4.6" />,
  close: <path d="M4 4l8 8M12 4l-8 8" />,
  refresh: (
    <>
      <path d="M13 8a5 5 0 1 1-1.6-3.7" />
      <path d="M13 2.5v3.2H9.8" />
    </>
  ),
  pause: <path d="M5.5 3.5v9M10.5 3.5v9" />,
  play: <path d="M5 3.2v9.6L12.5 8z" />,
  stop: <rect x="4" y="4" width="8" height="8" rx="1.2" />,
  retry: (
    <>
      <path d="M3 8a5 5 0 0 1 8.5-3.5L13 6" />
      <path d="M13 2.8V6H9.8M13 8a5 5 0 0 1-8.5 3.5L3 10" />
      <path d="M3 13.2V10h3.2" />
    </>
  ),
  save: (
    <>
      <path d="M8 2.5v8M4.8 7.3 8 10.5l3.2-3.2" />
      <path d="M2.5 11v2.5h11V11" />
    </>
  ),
  import: (
    <>
      <path d="M8 10.5v-8M4.8 5.7 8 2.5l3.2 3.2" />
      <path d="M2.5 11v2.5h11V11" />
    </>
  ),
  edit: <path d="M10.5 2.8 13.2 5.5 6 12.7l-3.3.6.6-3.3zM9.2 4.1l2.7 2.7" />,
  'chevron-down': <path d="M4 6l4 4 4-4" />,
  plus: <path d="M8 3v10M3 8h10" />,
  trash: <path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 9h5.6l.7-9" />,
  key: (
    <>
      <circle cx="5.5" cy="10.5" r="3" />
      <path d="M7.6 8.4 13 3M11 5l1.6 1.6" />
    </>
  ),
  filter: <path d="M2.5 3.5h11L9.3 8.6v4.2l-2.6-1.3V8.6z" />,
  grip: <path d="M6 4h.01M10 4h.01M6 8h.01M10 8h.01M6 12h.01M10 12h.01" strokeWidth="2.2" />,
  sparkle: <path d="M8 2v3M8 11v3M2 8h3M11 8h3M4 4l1.8 1.8M10.2 10.2 12 12M12 4l-1.8 1.8M5.8 10.2 4 12" />,
  server: (
    <>
      <rect x="2.5" y="2.5" width="11" height="4.5" rx="1.2" />
      <rect x="2.5" y="9" width="11" height="4.5" rx="1.2" />
      <path d="M5 4.8h.01M5 11.3h.01" strokeWidth="2" />
    </>
  ),
  cloud: <path d="M4.5 12.5a3 3 0 0 1-.3-6 4 4 0 0 1 7.6-1A3.3 3.3 0 0 1 11.5 12.5z" />,
  app: (
    <>
      <rect x="2.5" y="2.5" width="4.5" height="4.5" rx="1" />
      <rect x="9" y="2.5" width="4.5" height="4.5" rx="1" />
      <rect x="2.5" y="9" width="4.5" height="4.5" rx="1" />
      <rect x="9" y="9" width="4.5" height="4.5" rx="1" />
    </>
  ),
  list: <path d="M5.5 4h8M5.5 8h8M5.5 12h8M2.5 4h.01M2.5 8h.01M2.5 12h.01" />,
  shield: (
    <>
      <path d="M8 1.8 13 3.8v3.8c0 3-2.2 5.4-5 6.6-2.8-1.2-5-3.6-5-6.6V3.8z" />
      <path d="M5.7 8 7.3 9.6 10.5 6.3" />
    </>
  ),
  clock: (
    <>
      <circle cx="8" cy="8" r="5.8" />
      <path d="M8 4.6V8l2.4 1.6" />
    </>
  ),
};

export function Icon({ name, className, label }: { name: IconName; className?: string; label?: string }) {
  return (
    <svg
      className={`icon${className ? ` ${className}` : ''}`}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      focusable="false"
    >
      {PATHS[name]}
    </svg>
  );
}

/** The app's mark: two stacks and the arrow between them. */
export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 28 28" width="24" height="24" aria-hidden="true" focusable="false">
      <rect x="1" y="5" width="10" height="4" rx="1.5" className="logo-a" />
      <rect x="1" y="11" width="10" height="4" rx="1.5" className="logo-a" />
      <rect x="1" y="17" width="10" height="4" rx="1.5" className="logo-a" />
      <rect x="17" y="8" width="10" height="4" rx="1.5" className="logo-b" />
      <rect x="17" y="14" width="10" height="4" rx="1.5" className="logo-b" />
      <path d="M12.5 13h3.5M14.5 11l2 2-2 2" className="logo-arrow" fill="none" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
