/// <reference types="vite/client" />
import type { Bridge } from './ipc/types';

declare global {
  interface Window {
    /** Exposed by the preload (contextBridge); absent when the page is opened in a plain browser. */
    stackMigrator?: Bridge;
  }
}
