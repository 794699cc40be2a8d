/*
 * The inventory workflow behind `sf integration inventory`: its round trip, one read of everything its integration
 * users hold (their excess by tier), the inventory built from both, and its output (formats.ts). The command
 * parses flags and prints; progress reaches it through callbacks.
 */
import { writeFile } from 'node:fs/promises';
import type { Connection } from '@salesforce/core';
import type { Inventory } from './types.js';
import { readInventory } from './read.js';
import { buildInventory } from './build.js';
import { readIntegrationUserAccess, integrationUserIds } from './excess.js';
import { type InventoryFormat, renderInventory } from './formats.js';

/** Reads the org and builds the inventory; onRead brackets the reads (a spinner's start and stop). */
export const runInventory = async (conn: Connection, onRead: { start(): void; stop(outcome?: string): void }): Promise<Inventory> => {
  onRead.start();
  try {
    const snapshot = await readInventory(conn);
    const access = await readIntegrationUserAccess(conn, integrationUserIds(snapshot));
    onRead.stop();
    return buildInventory(snapshot, access);
  } catch (error) {
    onRead.stop('failed');
    throw error;
  }
};

/**
 * Prints or writes the inventory: with --output-file the file gets the chosen format and the terminal the human
 * table; otherwise the chosen format goes to stdout (nothing under --json, whose envelope carries the result).
 */
export const emitInventory = async (
  inventory: Inventory,
  options: { format: InventoryFormat; outputFile?: string; json: boolean },
  out: { log(text: string): void; wrote(format: string, file: string): void }
): Promise<void> => {
  const rendered = await renderInventory(options.format, inventory);
  if (options.outputFile) {
    await writeFile(options.outputFile, rendered.endsWith('\n') ? rendered : `${rendered}\n`);
    out.log(options.format === 'human' ? rendered : await renderInventory('human', inventory));
    out.wrote(options.format, options.outputFile);
  } else if (!options.json) {
    out.log(rendered.replace(/\r?\n$/, ''));
  }
};
