import { describe, expect, it } from 'vitest'
import { curveSvg } from '../../bench/capacity-chart'

describe('capacity chart', () => {
  const pts = [
    { clients: 50, p99: 30, cpuMsPerOp: 1.5, relayP99: 4, relayCpuMsPerOp: 0.4 },
    { clients: 200, p99: 140, cpuMsPerOp: 0.6, relayP99: 17, relayCpuMsPerOp: 0.26 },
    { clients: 800, p99: Number.NaN, cpuMsPerOp: Number.NaN },
  ]
  const svg = curveSvg(pts, 'Title', { roomSize: 10, rate: 5 })

  it('draws both figures for ours and the relay, with the load in the axis title', () => {
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg.match(/<path /g)).toHaveLength(4)
    expect(svg).toContain('clients (rooms of 10, 5 ops/s each)')
    for (const c of ['50', '200', '800']) expect(svg).toContain(`>${c}</text>`)
  })

  it('puts more clients further right and a slower p99 higher, and leaves out a point that did not run', () => {
    const ours = /<path d="([^"]+)" fill="none" stroke="#2563eb" stroke-width="2"/.exec(svg)?.[1] ?? ''
    const xy = [...ours.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m): [number, number] => [Number(m[1]), Number(m[2])])
    expect(xy).toHaveLength(2) // the 800-client run has no figures
    expect(xy[1]![0]).toBeGreaterThan(xy[0]![0])
    expect(xy[1]![1]).toBeLessThan(xy[0]![1]) // SVG y grows downwards
  })
})

describe('capacity chart with throughput', () => {
  it('adds a panel of ops/s stored (ours, the baseline) against offered, higher for more', () => {
    const svg = curveSvg(
      [
        { clients: 400, p99: 1000, cpuMsPerOp: 0.3, offered: 2000, acked: 2000, baselineAcked: 2000 },
        { clients: 800, p99: 20000, cpuMsPerOp: 0.4, offered: 4000, acked: 1900, baselineAcked: 800 },
      ],
      'T',
      { roomSize: 10, rate: 5 },
    )
    expect(svg).toContain('ops/s stored against offered')
    const line = (stroke: string, width: string) => {
      const d = new RegExp(`<path d="([^"]+)" fill="none" stroke="${stroke}" stroke-width="${width}"`).exec(svg)?.[1] ?? ''
      return [...d.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => Number(m[2]))
    }
    const [oursAt400, oursAt800] = line('#059669', '2')
    const [baseAt400, baseAt800] = line('#059669', '1.5')
    expect(oursAt400).toBeCloseTo(baseAt400 as number, 5)
    // fewer ops/s stored sits lower (SVG y grows downwards): the baseline's collapse below ours
    expect(baseAt800).toBeGreaterThan(oursAt800 as number)
    expect(svg).toMatch(/height="490"/)
  })
})
