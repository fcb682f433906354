// Numbers, times and identifiers the way a person reads them.
const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export const formatCount = (n: number) => integer.format(n);
export const formatRate = (n: number) => (n >= 10 ? integer.format(n) : oneDecimal.format(n));

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** 'MAC_V1_0_3' → '1.0.3'; anything else unchanged. */
export function formatLorawanVersion(v: string | undefined): string {
  if (!v) return '';
  const m = /^MAC_V(\d+)_(\d+)(?:_(\d+))?(?:_REV_([A-Z]))?$/.exec(v);
  if (!m) return v;
  return [m[1], m[2], m[3]].filter((x) => x !== undefined).join('.') + (m[4] ? ` rev ${m[4]}` : '');
}

/** 'EU_863_870_TTN' stays as is: it is the name people see in the Console. */
export const formatFrequencyPlan = (id: string | undefined) => id ?? '';

/** '70B3D57ED0000001' → '70B3 D57E D000 0001' is harder to search; keep it compact but upper-case. */
export const formatEui = (eui: string | undefined) => (eui ? eui.toUpperCase() : '');

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(sec).padStart(2, '0')} s`;
  return `${sec} s`;
}

const DAY = 86_400_000;

/** A short "last seen" for a list cell: '3 min ago', '2 days ago', 'never'. */
export function formatAgo(iso: string | undefined, now: number): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const d = now - t;
  if (d < 60_000) return 'just now';
  if (d < 3_600_000) return `${Math.floor(d / 60_000)} min ago`;
  if (d < DAY) return `${Math.floor(d / 3_600_000)} h ago`;
  if (d < 60 * DAY) {
    const days = Math.floor(d / DAY);
    return `${days} ${days === 1 ? 'day' : 'days'} ago`;
  }
  return new Date(t).toISOString().slice(0, 10);
}

export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}

/** 'RIGHT_APPLICATION_DEVICES_READ_KEYS' → 'read device keys'. */
const RIGHT_WORDS: Record<string, string> = {
  RIGHT_APPLICATION_ALL: 'everything in the application',
  RIGHT_APPLICATION_INFO: 'see the application',
  RIGHT_APPLICATION_SETTINGS_BASIC: 'change application settings',
  RIGHT_APPLICATION_DEVICES_READ: 'read devices',
  RIGHT_APPLICATION_DEVICES_WRITE: 'write devices',
  RIGHT_APPLICATION_DEVICES_READ_KEYS: 'read device keys',
  RIGHT_APPLICATION_DEVICES_WRITE_KEYS: 'write device keys',
  RIGHT_APPLICATION_TRAFFIC_READ: 'read traffic',
  RIGHT_APPLICATION_TRAFFIC_UP_WRITE: 'write uplink traffic',
  RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE: 'send downlinks',
  RIGHT_APPLICATION_LINK: 'link the application',
  RIGHT_APPLICATION_DELETE: 'delete the application',
  RIGHT_USER_ALL: 'everything the user may do',
  RIGHT_USER_APPLICATIONS_LIST: 'list applications',
};

export function describeRight(right: string): string {
  return RIGHT_WORDS[right] ?? right.replace(/^RIGHT_/, '').replace(/_/g, ' ').toLowerCase();
}

/** A time of day to the second ('14:02:11'): for steps of a run that happen minutes apart. */
export function formatClock(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** A moment: the time alone when it is today, the date and time otherwise. */
export function formatWhen(iso: string | undefined, now: number): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const sameDay = new Date(t).toDateString() === new Date(now).toDateString();
  return sameDay ? formatClock(t) : new Date(t).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}
