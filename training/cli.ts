/**
 * How the training scripts run from the command line: `runIfMain(import.meta.url, main)` runs
 * `main` only when the file is the process' entry point (not when a test or another script
 * imports it), exits 0 when it resolves and prints the error and exits 1 when it rejects (the
 * wasm backend keeps handles open, so the process would not end by itself).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function isMainModule(metaUrl: string): boolean {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(metaUrl);
}

export function runIfMain(metaUrl: string, main: () => Promise<unknown>): void {
  if (!isMainModule(metaUrl)) return;
  // through a promise, so that a bad option (a synchronous throw) ends the same way
  Promise.resolve()
    .then(main)
    .then(() => process.exit(0))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
