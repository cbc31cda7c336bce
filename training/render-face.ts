/**
 * Renders one emoji file as a data-set tile: trim the transparent border, fit into the tile less a
 * padding of 3/64 of its side, flatten on white, RGB. One geometry for every tile size, so a face
 * rendered at 64 px (the generator's data, `npm run dataset`) and at 256 px (the upscaler's
 * targets, `npm run dataset:upscale`) show the same shape at two resolutions.
 */
import sharp from 'sharp';

export async function renderFace(file: string, size: number): Promise<Buffer> {
  const pad = Math.round((3 * size) / 64);
  const inner = size - 2 * pad;
  let density = 72;
  if (file.endsWith('.svg')) {
    const m = await sharp(file).metadata();
    const side = Math.min(m.width ?? 128, m.height ?? 128);
    // rasterise at least 4x the tile (256 px for a 64-px tile, as the data set always did)
    density = Math.min(1200, 72 * Math.max(1, (4 * size) / side));
  }
  const trimmed = await sharp(file, { density }).ensureAlpha().trim({ threshold: 1 }).png().toBuffer();
  const raw = await sharp(trimmed)
    .resize(inner, inner, { fit: 'contain', background: { r: 255, g: 255, b: 255, alpha: 0 }, kernel: 'lanczos3' })
    .extend({ top: pad, bottom: pad, left: pad, right: pad, background: { r: 255, g: 255, b: 255, alpha: 0 } })
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .raw()
    .toBuffer();
  if (raw.length !== size * size * 3) throw new Error(`unexpected size ${raw.length} for ${file}`);
  return raw;
}

/** Tiles (RGB, `tile` x `tile`) into one row-major atlas, white where no tile is. */
export function packAtlas(tiles: readonly Buffer[], tile: number): { atlas: Buffer; columns: number; rows: number } {
  const columns = Math.ceil(Math.sqrt(tiles.length));
  const rows = Math.ceil(tiles.length / columns);
  const atlas = Buffer.alloc(columns * tile * rows * tile * 3, 255);
  const rowBytes = columns * tile * 3;
  tiles.forEach((pixels, i) => {
    const ox = (i % columns) * tile;
    const oy = Math.floor(i / columns) * tile;
    for (let y = 0; y < tile; y++) pixels.copy(atlas, (oy + y) * rowBytes + ox * 3, y * tile * 3, (y + 1) * tile * 3);
  });
  return { atlas, columns, rows };
}
