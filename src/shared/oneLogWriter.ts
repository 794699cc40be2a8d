/*
 * Imported first by every command that connects to an org, so that this plugin's copy of `@salesforce/core`
 * gets its root logger (see logWriter.ts) before any module creates one at import time.
 */
import { useOneLogWriter } from './logWriter.js';

useOneLogWriter();
