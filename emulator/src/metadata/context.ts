import type { OrgState } from '../orgState.js';

/** What the Metadata API part needs from the emulator core (one per emulator instance). */
export type MetadataContext = {
  /** scratch space for async deploy jobs (per emulator instance) */
  deploys: Map<string, unknown>;
  /** current state (names-based org state, see ../orgState.ts) */
  getState(): OrgState;
  /** validate + recompile + replace atomically; throws Error(message) when refused */
  commit(next: OrgState): void;
  describe(objectName: string): { name: string; fields: Array<{ name: string; permissionable: boolean }> } | undefined;
  /** system permission API names that exist in this org */
  availablePermissions(): Set<string>;
};
