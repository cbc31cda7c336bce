/**
 * Gaussian and Laplacian pyramids of image sets, for the multi-scale SWD (swd.ts): the 5x5
 * binomial filter [1 4 6 4 1]^2 / 256 and 'mirror' borders of cv2.pyrDown / pyrUp and ProGAN's
 * scipy version.
 */
import { CH, type Images } from './image-set';

/** scipy.ndimage 'mirror' (OpenCV BORDER_REFLECT_101): -1 -> 1, n -> n - 2. */
export function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const j = ((i % period) + period) % period;
  return j < n ? j : period - j;
}

const BINOMIAL5 = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16] as const;

/**
 * Separable 5x5 binomial filter times `gain`, with mirror borders, evaluated only at every
 * `step`-th row and column (step 2: blur + decimate in one pass).
 */
function binomialFilter(src: Images, gain: number, step: number): Images {
  const { count: n, height: h, width: w } = src;
  const oh = Math.ceil(h / step);
  const ow = Math.ceil(w / step);
  const colIdx = new Int32Array(ow * 5);
  for (let x = 0; x < ow; x++) for (let t = 0; t < 5; t++) colIdx[x * 5 + t] = mirrorIndex(x * step + t - 2, w);
  const rowIdx = new Int32Array(oh * 5);
  for (let y = 0; y < oh; y++) for (let t = 0; t < 5; t++) rowIdx[y * 5 + t] = mirrorIndex(y * step + t - 2, h);
  const [g0, g1, g2, g3, g4] = BINOMIAL5;
  const s = src.data;
  // horizontal pass: [n, h, ow, C]
  const tmp = new Float32Array(n * h * ow * CH);
  for (let r = 0; r < n * h; r++) {
    const rowBase = r * w * CH;
    let o = r * ow * CH;
    for (let x = 0; x < ow; x++) {
      const i0 = rowBase + (colIdx[x * 5] as number) * CH;
      const i1 = rowBase + (colIdx[x * 5 + 1] as number) * CH;
      const i2 = rowBase + (colIdx[x * 5 + 2] as number) * CH;
      const i3 = rowBase + (colIdx[x * 5 + 3] as number) * CH;
      const i4 = rowBase + (colIdx[x * 5 + 4] as number) * CH;
      for (let c = 0; c < CH; c++) {
        tmp[o++] =
          g0 * (s[i0 + c] as number) + g1 * (s[i1 + c] as number) + g2 * (s[i2 + c] as number) + g3 * (s[i3 + c] as number) + g4 * (s[i4 + c] as number);
      }
    }
  }
  // vertical pass: [n, oh, ow, C]
  const rowLen = ow * CH;
  const out = new Float32Array(n * oh * rowLen);
  for (let im = 0; im < n; im++) {
    const inBase = im * h * rowLen;
    for (let y = 0; y < oh; y++) {
      const r0 = inBase + (rowIdx[y * 5] as number) * rowLen;
      const r1 = inBase + (rowIdx[y * 5 + 1] as number) * rowLen;
      const r2 = inBase + (rowIdx[y * 5 + 2] as number) * rowLen;
      const r3 = inBase + (rowIdx[y * 5 + 3] as number) * rowLen;
      const r4 = inBase + (rowIdx[y * 5 + 4] as number) * rowLen;
      const o = (im * oh + y) * rowLen;
      for (let k = 0; k < rowLen; k++) {
        out[o + k] =
          gain *
          (g0 * (tmp[r0 + k] as number) + g1 * (tmp[r1 + k] as number) + g2 * (tmp[r2 + k] as number) + g3 * (tmp[r3 + k] as number) + g4 * (tmp[r4 + k] as number));
      }
    }
  }
  return { data: out, count: n, height: oh, width: ow };
}

/** Blur with the 5x5 binomial filter and keep even rows and columns (cv2.pyrDown). */
export function pyrDown(images: Images): Images {
  return binomialFilter(images, 1, 2);
}

/** Insert zeros to double the size, then filter with 4x the binomial filter (cv2.pyrUp). */
export function pyrUp(images: Images): Images {
  const { count: n, height: h, width: w, data } = images;
  const H = 2 * h;
  const W = 2 * w;
  const z = new Float32Array(n * H * W * CH);
  for (let im = 0; im < n; im++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const si = ((im * h + y) * w + x) * CH;
        const di = ((im * H + 2 * y) * W + 2 * x) * CH;
        z[di] = data[si] as number;
        z[di + 1] = data[si + 1] as number;
        z[di + 2] = data[si + 2] as number;
      }
    }
  }
  return binomialFilter({ data: z, count: n, height: H, width: W }, 4, 1);
}

/**
 * Laplacian pyramid with `levels` levels, finest first: band-pass levels
 * (level i = G_i - pyrUp(G_{i+1})) and, last, the Gaussian residual G_{levels-1}.
 */
export function laplacianPyramid(images: Images, levels: number): Images[] {
  if (levels < 1) throw new Error('swd: levels must be >= 1');
  const out: Images[] = [{ ...images, data: images.data.slice() }];
  for (let i = 1; i < levels; i++) {
    const prev = out[i - 1] as Images;
    if (prev.height % 2 || prev.width % 2) throw new Error(`swd: cannot halve ${prev.height}x${prev.width}`);
    const down = pyrDown(prev);
    const up = pyrUp(down);
    const p = prev.data;
    const u = up.data;
    for (let k = 0; k < p.length; k++) p[k] = (p[k] as number) - (u[k] as number);
    out.push(down);
  }
  return out;
}

/** Inverse of laplacianPyramid (exact up to float rounding). */
export function reconstructLaplacianPyramid(pyramid: Images[]): Images {
  const last = pyramid[pyramid.length - 1];
  if (!last) throw new Error('swd: empty pyramid');
  let img: Images = { ...last, data: last.data.slice() };
  for (let i = pyramid.length - 2; i >= 0; i--) {
    const level = pyramid[i] as Images;
    const up = pyrUp(img);
    const u = up.data;
    const l = level.data;
    for (let k = 0; k < u.length; k++) u[k] = (u[k] as number) + (l[k] as number);
    img = up;
  }
  return img;
}

/** Resolutions of the pyramid levels: size, size/2, ... while >= minResolution (64 -> [64, 32, 16]). */
export function pyramidResolutions(size: number, minResolution = 16): number[] {
  const r: number[] = [];
  for (let s = size; s >= minResolution; s = s / 2) {
    r.push(s);
    if (s % 2) break;
  }
  if (r.length === 0) throw new Error(`swd: images of ${size} px are smaller than minResolution ${minResolution}`);
  return r;
}

