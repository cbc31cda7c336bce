// The capacity curve's chart (bench:collab --curve): an SVG with no dependencies, so that the
// README shows it as it is.

/** One client count's figures (ms; ms of server CPU per op; ops/s); the relay's and the baseline's where they ran. */
export interface ChartPoint {
  clients: number
  p99: number
  cpuMsPerOp: number
  relayP99?: number
  relayCpuMsPerOp?: number
  /** ops/s offered by the clients, and stored (acknowledged) by ours and by the baseline tree */
  offered?: number
  acked?: number
  baselineAcked?: number
}

/**
 * The curve as an SVG: delivery p99 (log scale, left) and server CPU per op (right) against
 * clients (log scale), ours solid, the relay dashed; the 100 ms line of issue 5's target. Where
 * the points carry throughput, a second panel below: ops/s offered, stored by ours and by the
 * baseline tree (where the curve bends into a collapse or holds at capacity).
 */
export function curveSvg(points: readonly ChartPoint[], title: string, load: { roomSize: number; rate: number }): string {
  const W = 640
  const H = 300
  const throughput = points.some((p) => Number.isFinite(p.acked ?? NaN))
  const H2 = throughput ? 190 : 0
  const m = { l: 78, r: 60, t: 48, b: 44 }
  const xs = points.map((p) => p.clients)
  const lx = (v: number) => Math.log10(v)
  const x0 = lx(Math.min(...xs))
  const x1 = lx(Math.max(...xs))
  const X = (v: number) => m.l + ((lx(v) - x0) / Math.max(1e-9, x1 - x0)) * (W - m.l - m.r)
  const lat = points.flatMap((p) => [p.p99, p.relayP99 ?? NaN]).filter((v) => Number.isFinite(v) && v > 0)
  const y0 = Math.floor(Math.log10(Math.min(1, ...lat)))
  const y1 = Math.ceil(Math.log10(Math.max(1000, ...lat)))
  const Y = (v: number) => H - m.b - ((Math.log10(Math.max(v, 10 ** y0)) - y0) / (y1 - y0)) * (H - m.t - m.b)
  const cpus = points.flatMap((p) => [p.cpuMsPerOp, p.relayCpuMsPerOp ?? NaN]).filter(Number.isFinite)
  const cMax = Math.max(0.1, ...cpus) * 1.15
  const C = (v: number) => H - m.b - (v / cMax) * (H - m.t - m.b)
  const path = (pts: Array<[number, number]>) => pts.filter(([, y]) => Number.isFinite(y)).map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ')
  const series = (get: (p: (typeof points)[number]) => number | undefined, scale: (v: number) => number) =>
    path(points.map((p) => [X(p.clients), Number.isFinite(get(p) ?? NaN) ? scale(get(p) as number) : NaN]))
  const dots = (get: (p: (typeof points)[number]) => number | undefined, scale: (v: number) => number, colour: string) =>
    points
      .filter((p) => Number.isFinite(get(p) ?? NaN))
      .map((p) => `<circle cx="${X(p.clients).toFixed(1)}" cy="${scale(get(p) as number).toFixed(1)}" r="3" fill="${colour}"/>`)
      .join('')
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + H2}" viewBox="0 0 ${W} ${H + H2}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H + H2}" fill="#fff"/>`,
    `<text x="${m.l}" y="18" font-size="13" font-weight="600" fill="#111">${title}</text>`,
  ]
  for (let e = y0; e <= y1; e++) {
    const y = Y(10 ** e)
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#e5e7eb"/><text x="${m.l - 6}" y="${y + 4}" text-anchor="end" fill="#2563eb">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)} ms</text>`)
  }
  for (const c of xs) out.push(`<line x1="${X(c)}" x2="${X(c)}" y1="${m.t}" y2="${H - m.b}" stroke="#f3f4f6"/><text x="${X(c)}" y="${H - m.b + 16}" text-anchor="middle" fill="#374151">${c}</text>`)
  for (let k = 0; k <= 4; k++) {
    const v = (cMax / 4) * k
    out.push(`<text x="${W - m.r + 6}" y="${C(v) + 4}" fill="#d97706">${v.toFixed(2)}</text>`)
  }
  out.push(
    `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(100)}" y2="${Y(100)}" stroke="#9ca3af" stroke-dasharray="2 3"/><text x="${W - m.r - 4}" y="${Y(100) - 4}" text-anchor="end" fill="#6b7280">100 ms</text>`,
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle" fill="#374151">clients (rooms of ${load.roomSize}, ${load.rate} ops/s each)</text>`,
    `<path d="${series((p) => p.p99, Y)}" fill="none" stroke="#2563eb" stroke-width="2"/>${dots((p) => p.p99, Y, '#2563eb')}`,
    `<path d="${series((p) => p.cpuMsPerOp, C)}" fill="none" stroke="#d97706" stroke-width="2"/>${dots((p) => p.cpuMsPerOp, C, '#d97706')}`,
    `<path d="${series((p) => p.relayP99, Y)}" fill="none" stroke="#2563eb" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    `<path d="${series((p) => p.relayCpuMsPerOp, C)}" fill="none" stroke="#d97706" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    `<text x="${m.l}" y="36" fill="#2563eb">delivery p99 (left, log)</text>`,
    `<text x="${m.l + 150}" y="36" fill="#d97706">server CPU ms per op (right)</text>`,
    `<text x="${m.l + 320}" y="36" fill="#6b7280">solid: GANvas, dashed: bare relay</text>`,
  )
  if (throughput) {
    // second panel: ops/s (linear) against the same clients axis
    const top = H + 16
    const bottom = H + H2 - 36
    const rates = points.flatMap((p) => [p.offered ?? NaN, p.acked ?? NaN, p.baselineAcked ?? NaN]).filter(Number.isFinite)
    const rMax = Math.max(1, ...rates) * 1.1
    const R = (v: number) => bottom - (v / rMax) * (bottom - top)
    for (let k = 0; k <= 4; k++) {
      const v = (rMax / 4) * k
      out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${R(v)}" y2="${R(v)}" stroke="#f3f4f6"/><text x="${m.l - 6}" y="${R(v) + 4}" text-anchor="end" fill="#374151">${Math.round(v)}</text>`)
    }
    for (const c of xs) out.push(`<text x="${X(c)}" y="${bottom + 16}" text-anchor="middle" fill="#374151">${c}</text>`)
    out.push(
      `<text x="${m.l}" y="${top - 2}" fill="#111" font-weight="600">ops/s stored against offered</text>`,
      `<path d="${series((p) => p.offered, R)}" fill="none" stroke="#9ca3af" stroke-width="1.5" stroke-dasharray="2 3"/>`,
      `<path d="${series((p) => p.acked, R)}" fill="none" stroke="#059669" stroke-width="2"/>${dots((p) => p.acked, R, '#059669')}`,
      `<path d="${series((p) => p.baselineAcked, R)}" fill="none" stroke="#059669" stroke-width="1.5" stroke-dasharray="5 4"/>`,
      `<text x="${m.l + 200}" y="${top - 2}" fill="#059669">solid: GANvas, dashed: before admission control</text>`,
      `<text x="${m.l + 470}" y="${top - 2}" fill="#6b7280">dotted: offered</text>`,
    )
  }
  out.push('</svg>')
  return out.join('\n')
}
