/**
 * A set of images as one float32 NHWC array with 3 channels (no tfjs, no Node imports: runs in
 * Node and the browser), and the plain operations the metrics need on it: downsampling,
 * mirroring, concatenating and picking images.
 */
export interface Images {
  /** NHWC, 3 channels, image-major. */
  data: Float32Array;
  count: number;
  height: number;
  width: number;
}

export const CH = 3;

export function imagesOf(data: Float32Array, count: number, height: number, width = height): Images {
  if (data.length !== count * height * width * CH) {
    throw new Error(`images: ${data.length} values for ${count} images of ${height}x${width}x${CH}`);
  }
  return { data, count, height, width };
}

/** Box-filter downsampling by an integer factor (64 -> 32 with factor 2). */
export function downsampleImages(images: Images, factor: number): Images {
  if (factor === 1) return images;
  const { count: n, height: h, width: w, data } = images;
  if (!Number.isInteger(factor) || factor < 1 || h % factor || w % factor) throw new Error(`images: cannot downsample ${h}x${w} by ${factor}`);
  const oh = h / factor;
  const ow = w / factor;
  const out = new Float32Array(n * oh * ow * CH);
  const inv = 1 / (factor * factor);
  for (let im = 0; im < n; im++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        for (let c = 0; c < CH; c++) {
          let s = 0;
          for (let dy = 0; dy < factor; dy++) {
            const row = ((im * h + y * factor + dy) * w + x * factor) * CH + c;
            for (let dx = 0; dx < factor; dx++) s += data[row + dx * CH] as number;
          }
          out[((im * oh + y) * ow + x) * CH + c] = s * inv;
        }
      }
    }
  }
  return { data: out, count: n, height: oh, width: ow };
}

/** Mirrors every image left-right (the training loader's augmentation). */
export function flipImages(images: Images): Images {
  const { count: n, height: h, width: w, data } = images;
  const out = new Float32Array(data.length);
  for (let r = 0; r < n * h; r++) {
    for (let x = 0; x < w; x++) {
      const s = (r * w + x) * CH;
      const d = (r * w + (w - 1 - x)) * CH;
      out[d] = data[s] as number;
      out[d + 1] = data[s + 1] as number;
      out[d + 2] = data[s + 2] as number;
    }
  }
  return { data: out, count: n, height: h, width: w };
}

/** Concatenates image sets of the same size. */
export function concatImages(sets: Images[]): Images {
  const first = sets[0];
  if (!first) throw new Error('images: nothing to concatenate');
  const data = new Float32Array(sets.reduce((s, x) => s + x.data.length, 0));
  let o = 0;
  for (const s of sets) {
    if (s.height !== first.height || s.width !== first.width) throw new Error('images: image sizes differ');
    data.set(s.data, o);
    o += s.data.length;
  }
  return { data, count: sets.reduce((s, x) => s + x.count, 0), height: first.height, width: first.width };
}

/** The images at `indices`, in that order. */
export function selectImages(images: Images, indices: ArrayLike<number>): Images {
  const per = images.height * images.width * CH;
  const out = new Float32Array(indices.length * per);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    if (i < 0 || i >= images.count) throw new Error(`images: image ${i} out of range`);
    out.set(images.data.subarray(i * per, (i + 1) * per), k * per);
  }
  return { data: out, count: indices.length, height: images.height, width: images.width };
}
