/**
 * The package cache shared by the data-set builders (`npm run dataset`, `npm run
 * dataset:doodles`): source packages at exact versions are installed on demand into a folder
 * under .cache/ (git-ignored), never as project dependencies.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface CachedPackage {
  readonly name: string;
  readonly version: string;
}

/** `.cache/<name>` under the project root. */
export function cacheDir(name: string): string {
  return path.join(PROJECT_ROOT, '.cache', name);
}

/**
 * Installs `packages` (all of them, so npm does not prune any) into `cache`/node_modules unless
 * every one is already there at its exact version. Returns the node_modules folder.
 */
export function ensurePackages(cache: string, packages: readonly CachedPackage[]): string {
  const modules = path.join(cache, 'node_modules');
  const missing = packages.filter((p) => {
    const pj = path.join(modules, p.name, 'package.json');
    if (!existsSync(pj)) return true;
    const v = (JSON.parse(readFileSync(pj, 'utf8')) as { version?: string }).version;
    return v !== p.version;
  });
  if (missing.length === 0) return modules;
  mkdirSync(cache, { recursive: true });
  const specs = packages.map((p) => `${p.name}@${p.version}`);
  console.log(`installing ${specs.join(' ')} into ${path.relative(PROJECT_ROOT, cache)}`);
  execFileSync(
    'npm',
    ['install', '--prefix', cache, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', ...specs],
    { stdio: 'inherit' },
  );
  return modules;
}

/** The licence file shipped in an installed package (LICENSE, LICENSE.txt or LICENSE.md). */
export function packageLicenceText(modules: string, pkg: string): string {
  for (const f of ['LICENSE', 'LICENSE.txt', 'LICENSE.md']) {
    const p = path.join(modules, pkg, f);
    if (existsSync(p)) return readFileSync(p, 'utf8');
  }
  return '(no licence file in package)';
}
