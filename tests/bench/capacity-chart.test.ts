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
