// Which screen is showing, and short-lived notices ("Connection saved").
import { create } from 'zustand';

/** The four steps of a migration, in the title bar. */
export type StepScreen = 'connections' | 'workspace' | 'plan' | 'progress';
/** Besides the steps: the runs of the app, and the arrivals of one of them. */
export type Screen = StepScreen | 'history' | 'arrivals';

export interface Toast {
  id: number;
  tone: 'info' | 'good' | 'bad';
  message: string;
}

interface NavigationState {
  screen: Screen;
  toasts: Toast[];
  go(screen: Screen): void;
  toast(tone: Toast['tone'], message: string): void;
  dismiss(id: number): void;
}

let nextToast = 1;

export const useNavigation = create<NavigationState>((set, get) => ({
  screen: 'connections',
  toasts: [],
  go: (screen) => set({ screen }),
  toast(tone, message) {
    const id = nextToast++;
    set({ toasts: [...get().toasts.slice(-3), { id, tone, message }] });
    setTimeout(() => get().dismiss(id), tone === 'bad' ? 9000 : 5000);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));
