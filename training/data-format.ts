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
