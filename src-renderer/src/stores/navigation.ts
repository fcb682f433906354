// Which screen is showing, and short-lived notices ("Connection saved").
import { create } from 'zustand';

/** The four steps of a migration, in the title bar. */
export type StepScreen = 'connections' | 'workspace' | 'plan' | 'progress';
/** Besides the steps: the runs of the app, the arrivals of one of them, and moving gateways. */
export type Screen = StepScreen | 'history' | 'arrivals' | 'gateway-plan' | 'gateway-progress';
/** What the workspace shows: devices, or gateways (whose plan and progress are screens of their own). */
export type WorkspaceTab = 'devices' | 'gateways';

/** The step of the title bar a screen belongs to. */
export function stepOf(screen: Screen): StepScreen | undefined {
  if (screen === 'gateway-plan') return 'plan';
  if (screen === 'gateway-progress') return 'progress';
  return screen === 'history' || screen === 'arrivals' ? undefined : screen;
}

export interface Toast {
  id: number;
  tone: 'info' | 'good' | 'bad';
  message: string;
}

interface NavigationState {
  screen: Screen;
  tab: WorkspaceTab;
  toasts: Toast[];
  go(screen: Screen): void;
  setTab(tab: WorkspaceTab): void;
  toast(tone: Toast['tone'], message: string): void;
  dismiss(id: number): void;
}

let nextToast = 1;

export const useNavigation = create<NavigationState>((set, get) => ({
  screen: 'connections',
  tab: 'devices',
  toasts: [],
  go: (screen) => set({ screen }),
  setTab: (tab) => set({ tab }),
  toast(tone, message) {
    const id = nextToast++;
    set({ toasts: [...get().toasts.slice(-3), { id, tone, message }] });
    setTimeout(() => get().dismiss(id), tone === 'bad' ? 9000 : 5000);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));
