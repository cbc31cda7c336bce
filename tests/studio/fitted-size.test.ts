// The studio canvas is shown at full size when the window has room, smaller when it has not.
import { describe, expect, it } from 'vitest'
import { fittedSize } from '../../components/studio/useFittedSize'

describe('fittedSize', () => {
  it('is the full size when the window is tall and the column wide enough', () => {
    expect(fittedSize(1000, 160, 900, 720)).toBe(720)
  })
  it('shrinks to the height left below its top, and to the column width', () => {
    expect(fittedSize(800, 160, 900, 720)).toBe(800 - 160 - 16)
    expect(fittedSize(1000, 160, 500, 720)).toBe(500)
  })
  it('never below 320 px (a phone scrolls instead)', () => {
    expect(fittedSize(400, 300, 358, 720)).toBe(320)
  })
})
