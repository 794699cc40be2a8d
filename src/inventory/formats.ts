/*
 * The result formats of `inventory --result-format`: one registry, from which the flag takes its options (as
 * src/render/formats.ts does for check). Renderers load on first use, so `--help` stays cheap.
 */
import type { Inventory } from './types.js';

const RENDERERS = {
  human: async (inventory: Inventory): Promise<string> => (await import('./render.js')).renderInventoryHuman(inventory),
  json: (inventory: Inventory): Promise<string> => Promise.resolve(JSON.stringify(inventory, null, 2)),
  markdown: async (inventory: Inventory): Promise<string> => (await import('./render.js')).renderInventoryMarkdown(inventory),
  csv: async (inventory: Inventory): Promise<string> => (await import('./render.js')).renderInventoryCsv(inventory),
} satisfies Record<string, (inventory: Inventory) => Promise<string>>;

export type InventoryFormat = keyof typeof RENDERERS;

/** The formats, in the order `--help` lists them. */
export const INVENTORY_FORMATS = Object.keys(RENDERERS) as InventoryFormat[];

export const renderInventory = (format: InventoryFormat, inventory: Inventory): Promise<string> => RENDERERS[format](inventory);
