/**
 * Pure selection logic for the emoji-face training set: which files from the vendor packages
 * become training images, and which of them are held out. No IO beyond `exists` (injected), so
 * it can be unit-tested without the packages installed.
 */

/** The npm packages the data set is rebuilt from (exact versions; installed into a cache). */
export const SOURCE_PACKAGES = [
  {
    name: 'emoji-datasource-google',
    version: '16.0.0',
    vendor: 'google',
    imageLicence: 'Apache-2.0',
    credit: 'Noto Emoji, Copyright Google Inc., Apache License 2.0 (via emoji-datasource by Cal Henderson, MIT)',
    url: 'https://github.com/googlefonts/noto-emoji',
  },
  {
    name: 'emoji-datasource-twitter',
    version: '16.0.0',
    vendor: 'twitter',
    imageLicence: 'CC-BY-4.0',
    credit: 'Twemoji graphics, Copyright Twitter, Inc. and other contributors, CC BY 4.0 (via emoji-datasource by Cal Henderson, MIT)',
    url: 'https://github.com/jdecked/twemoji',
  },
  {
    name: 'openmoji',
    version: '17.0.0',
    vendor: 'openmoji',
    imageLicence: 'CC-BY-SA-4.0',
    credit: 'OpenMoji, the open-source emoji and icon project, CC BY-SA 4.0 (https://openmoji.org)',
    url: 'https://openmoji.org',
  },
  {
    name: 'fluentui-emoji',
    version: '1.3.0',
    vendor: 'fluent',
    imageLicence: 'MIT',
    credit: 'Fluent Emoji, Copyright Microsoft Corporation, MIT (packaged as fluentui-emoji by Mohammad Abu Mattar, MIT)',
    url: 'https://github.com/microsoft/fluentui-emoji',
  },
] as const;

export type Vendor = 'google' | 'twitter' | 'openmoji' | 'fluent-flat' | 'fluent-modern';

export interface EmojiDatasourceEntry {
  name: string;
  unified: string;
  non_qualified: string | null;
  image: string;
  category: string;
  subcategory: string;
  skin_variations?: Record<string, { unified: string; non_qualified: string | null; image: string }>;
}

export interface OpenmojiEntry {
  hexcode: string;
  annotation: string;
}

export interface FaceFile {
  /** Stable id: `<vendor>/<unified>` */
  id: string;
  vendor: Vendor;
  /** Unicode code points of this emoji (with skin tone when present). */
  unified: string;
  /** Code points of the base emoji without skin tone: the unit of the train/held-out split. */
  group: string;
  /** Human-readable name, e.g. "grinning face (medium)". */
  name: string;
  /** Path relative to the package cache's node_modules folder. */
  file: string;
}

const TONES: Record<string, string> = {
  '1F3FB': 'light',
  '1F3FC': 'medium-light',
  '1F3FD': 'medium',
  '1F3FE': 'medium-dark',
  '1F3FF': 'dark',
};

export function isFaceSubcategory(e: Pick<EmojiDatasourceEntry, 'category' | 'subcategory'>): boolean {
  if (e.category !== 'Smileys & Emotion') return false;
  const s = e.subcategory;
  return (s.startsWith('face-') && s !== 'face-costume') || s === 'cat-face' || s === 'monkey-face';
}

export function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Lists the face images available in the installed packages, in a stable order.
 * `exists(relPath)` tells whether a file exists under the cache's node_modules.
 */
export function selectFaces(
  datasource: readonly EmojiDatasourceEntry[],
  openmoji: readonly OpenmojiEntry[],
  exists: (relPath: string) => boolean,
): FaceFile[] {
  const omByHex = new Map(openmoji.map((o) => [o.hexcode, o]));
  const omLookup = (u: string, nq: string | null): OpenmojiEntry | undefined =>
    omByHex.get(u) ?? (nq ? omByHex.get(nq) : undefined) ?? omByHex.get(u.replace(/-FE0F/g, ''));
  const out: FaceFile[] = [];
  const seen = new Set<string>();
  const add = (f: FaceFile): void => {
    if (seen.has(f.id) || !exists(f.file)) return;
    seen.add(f.id);
    out.push(f);
  };
  const addOne = (image: string, unified: string, nq: string | null, group: string, label: string, slug: string): void => {
    add({ id: `google/${unified}`, vendor: 'google', unified, group, name: label, file: `emoji-datasource-google/img/google/64/${image}` });
    add({ id: `twitter/${unified}`, vendor: 'twitter', unified, group, name: label, file: `emoji-datasource-twitter/img/twitter/64/${image}` });
    const om = omLookup(unified, nq);
    add({ id: `openmoji/${unified}`, vendor: 'openmoji', unified, group, name: label, file: `openmoji/color/svg/${om ? om.hexcode : unified}.svg` });
    add({ id: `fluent-flat/${unified}`, vendor: 'fluent-flat', unified, group, name: label, file: `fluentui-emoji/icons/flat/${slug}.svg` });
    add({ id: `fluent-modern/${unified}`, vendor: 'fluent-modern', unified, group, name: label, file: `fluentui-emoji/icons/modern/${slug}.svg` });
  };
  const baseName = (x: EmojiDatasourceEntry): string => {
    const om = omLookup(x.unified, x.non_qualified);
    return om?.annotation ?? x.name.toLowerCase();
  };
  for (const x of datasource) {
    if (!isFaceSubcategory(x)) continue;
    const n = baseName(x);
    addOne(x.image, x.unified, x.non_qualified, x.unified, n, slugify(n));
  }
  for (const x of datasource) {
    if (x.subcategory !== 'person') continue;
    const n = baseName(x);
    addOne(x.image, x.unified, x.non_qualified, x.unified, n, `${slugify(n)}-default`);
    for (const [tone, v] of Object.entries(x.skin_variations ?? {})) {
      const t = TONES[tone];
      if (!t) continue;
      addOne(v.image, v.unified, v.non_qualified, x.unified, `${n} (${t})`, `${slugify(n)}-${t}`);
    }
  }
  return out;
}

/** FNV-1a 32-bit hash: stable across platforms, used to order groups for the split. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Held-out split by emoji group (all vendors and skin tones of one emoji go to the same side),
 * so held-out images are emoji the generator never saw in any style. Groups are taken in hash
 * order until at least `fraction` of the images are held out.
 */
export function splitByGroup(faces: readonly FaceFile[], fraction = 0.1, salt = 'ganvas-v1'): Set<string> {
  const sizes = new Map<string, number>();
  for (const f of faces) sizes.set(f.group, (sizes.get(f.group) ?? 0) + 1);
  const groups = [...sizes.keys()].sort((a, b) => fnv1a(salt + a) - fnv1a(salt + b) || (a < b ? -1 : 1));
  const target = Math.round(faces.length * fraction);
  const held = new Set<string>();
  let n = 0;
  for (const g of groups) {
    if (n >= target) break;
    const size = sizes.get(g) ?? 0;
    // skip a group that would overshoot the target by more than half its size
    if (n + size > target + size / 2 && n > 0) continue;
    held.add(g);
    n += size;
  }
  return held;
}
