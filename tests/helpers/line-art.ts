/** An S x S white line image ([-1, 1], white = +1) with black square outlines [a, b] (inclusive). */
export function squareOutlines(S: number, ...boxes: Array<[number, number]>): Float32Array {
  const line = new Float32Array(S * S).fill(1)
  for (const [a, b] of boxes) {
    for (let i = a; i <= b; i++) {
      line[a * S + i] = -1
      line[b * S + i] = -1
      line[i * S + a] = -1
      line[i * S + b] = -1
    }
  }
  return line
}
