/** The committed data set's file names and index schema (training/data/). */
export const ATLAS_FILE = 'faces64.png';
export const INDEX_FILE = 'faces64.json';

export interface DatasetSource {
  package: string;
  version: string;
  licence: string;
  credit: string;
  url: string;
}

export interface DatasetImage {
  /** Tile number in the atlas, row-major. */
  i: number;
  id: string;
  vendor: string;
  name: string;
  group: string;
  split: 'train' | 'heldout';
}

export interface DatasetIndex {
  version: 1;
  tile: number;
  columns: number;
  rows: number;
  count: number;
  atlas: string;
  sources: DatasetSource[];
  heldOutFraction: number;
  images: DatasetImage[];
}

/**
 * Doodle pairs (`npm run dataset:doodles`, issue 8): OpenMoji line art and colour versions of the
 * same emoji, cropped with one box, as two atlases with the same tile order plus an index.
 * The line atlas is 8-bit greyscale (1 channel; OpenMoji line art is black strokes only), the
 * colour atlas 8-bit RGB; both flattened on white.
 */
export const DOODLE_TILE = 64;
export const doodleFiles = (tile: number = DOODLE_TILE): { line: string; color: string; index: string } => ({
  line: `doodles${tile}-line.png`,
  color: `doodles${tile}-color.png`,
  index: `doodles${tile}.json`,
});
/** The extra, derived training pairs (training/doodles-extra-dataset.ts): same schema, split 'train'. */
export const doodleExtraFiles = (tile: number = DOODLE_TILE): { line: string; color: string; index: string } => ({
  line: `doodles${tile}-extra-line.png`,
  color: `doodles${tile}-extra-color.png`,
  index: `doodles${tile}-extra.json`,
});
export const DOODLE_LINE_ATLAS = doodleFiles().line;
export const DOODLE_COLOR_ATLAS = doodleFiles().color;
export const DOODLE_INDEX_FILE = doodleFiles().index;

export interface DoodlePair {
  /** Tile number in both atlases, row-major. */
  i: number;
  /** OpenMoji hexcode = file name without `.svg` in `black/svg` and `color/svg`, e.g. "1F600". */
  hexcode: string;
  /** The emoji character(s), '' when openmoji.json has no entry. */
  emoji: string;
  /** OpenMoji annotation, e.g. "grinning face" ('' when unknown). */
  annotation: string;
  /** OpenMoji group and subgroup, e.g. "smileys-emotion" / "face-smiling" ('' when unknown). */
  group: string;
  subgroup: string;
  split: 'train' | 'heldout';
}

export interface DoodleIndex {
  version: 1;
  tile: number;
  columns: number;
  rows: number;
  count: number;
  /** File names in training/data. Line atlas: greyscale (1 channel); colour atlas: RGB. */
  lineAtlas: string;
  colorAtlas: string;
  lineChannels: 1;
  colorChannels: 3;
  source: DatasetSource;
  /**
   * The unit of the held-out split: clusters of near-duplicate line art (training/doodle-split.ts)
   * go to one side whole.
   */
  splitBy: 'line-clusters';
  heldOutFraction: number;
  /** How many openmoji.json entries each exclusion rule dropped. */
  dropped: Record<string, number>;
  pairs: DoodlePair[];
}
