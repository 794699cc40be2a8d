/*
 * The org model: the current state, its describes, compiled tables and SOQL engine, replaced
 * atomically on every accepted write. Also the MetadataContext handed to the Metadata API module.
 */
import type { OrgState } from './orgState.js';
import { buildDescribes, type DescribeCatalog } from './describes.js';
import { validateState } from './state.js';
import { compileTables } from './tables.js';
import type { Db } from './db.js';
import { SoqlEngine } from './soql.js';

export type MetadataContext = {
  /** scratch space for async deploy jobs */
  deploys: Map<string, unknown>;
  /** current state (names-based) */
  getState(): OrgState;
  /** validate + recompile + replace atomically; throws Error(message) when refused */
  commit(next: OrgState): void;
  describe(objectName: string): { name: string; fields: Array<{ name: string; permissionable: boolean }> } | undefined;
  /** system permission names that exist in this org */
  availablePermissions(): Set<string>;
};

type Compiled = { state: OrgState; describes: DescribeCatalog; db: Db; engine: SoqlEngine };

/** What OrgModel.checkpoint() returns (opaque). */
export type ModelCheckpoint = { readonly compiled: Compiled };

const compile = (state: OrgState): Compiled => {
  const frozen = structuredClone(state);
  const describes = buildDescribes(frozen);
  validateState(frozen, describes);
  const db = compileTables(frozen, describes);
  return { state: frozen, describes, db, engine: new SoqlEngine(db) };
};

export class OrgModel {
  public readonly deploys = new Map<string, unknown>();
  private current: Compiled;
  private readonly listeners: Array<() => void> = [];

  /** Throws StateError when the state breaks a save rule. */
  public constructor(state: OrgState) {
    this.current = compile(state);
  }

  public get state(): OrgState {
    return this.current.state;
  }
  public get describes(): DescribeCatalog {
    return this.current.describes;
  }
  public get db(): Db {
    return this.current.db;
  }
  public get engine(): SoqlEngine {
    return this.current.engine;
  }

  /** A copy of the current state, safe to modify. */
  public getState(): OrgState {
    return structuredClone(this.current.state);
  }

  /** Validates and compiles the next state, then swaps it in. Throws StateError when refused (nothing changes). */
  public commit(next: OrgState): void {
    this.current = compile(next);
    for (const l of this.listeners) l();
  }

  /** The model as it is now, for restore(): no copy (a compiled model is never changed, commits replace it). */
  public checkpoint(): ModelCheckpoint {
    return { compiled: this.current };
  }

  /** Goes back to a checkpoint (what commit() of the state it held would give, without recompiling). */
  public restore(checkpoint: ModelCheckpoint): void {
    this.current = checkpoint.compiled;
    for (const l of this.listeners) l();
  }

  public onCommit(listener: () => void): void {
    this.listeners.push(listener);
  }

  public metadataContext(): MetadataContext {
    return {
      getState: () => this.getState(),
      commit: (next) => this.commit(next),
      describe: (objectName): ReturnType<MetadataContext['describe']> => {
        const d = this.describes.get(objectName);
        if (!d || !this.describes.dataObjectNames().includes(d.name)) return undefined;
        return { name: d.name, fields: d.fields.map((f) => ({ name: f.name, permissionable: f.permissionable === true })) };
      },
      availablePermissions: () => new Set(this.describes.availablePermissions),
      deploys: this.deploys,
    };
  }
}
