// Tool settings kept per user: what is read back from storage is validated field by field.
import { describe, expect, it } from 'vitest'
import { DEFAULT_TOOL_SETTINGS, readToolSettings } from '../../components/studio/tool-settings'

const storage = (items: Record<string, string>) => ({ getItem: (k: string) => items[k] ?? null })

describe('readToolSettings', () => {
  it('reads back what was stored for that user only', () => {
    const s = storage({ 'ganvas.tools.u1': JSON.stringify({ tool: 'marker', color: '#ff8800', size: 30, opacity: 0.5, fillShapes: true }) })
    expect(readToolSettings(s, 'u1')).toEqual({ tool: 'marker', color: '#ff8800', size: 30, opacity: 0.5, fillShapes: true })
    expect(readToolSettings(s, 'u2')).toEqual(DEFAULT_TOOL_SETTINGS)
  })

  it('keeps the good fields and defaults the bad ones; garbage gives the defaults', () => {
    const s = storage({
      'ganvas.tools.u1': JSON.stringify({ tool: 'flamethrower', color: 'red; background:url(x)', size: 30, opacity: 7, fillShapes: 'yes' }),
      'ganvas.tools.u2': '{not json',
      'ganvas.tools.u3': '42',
    })
    expect(readToolSettings(s, 'u1')).toEqual({ ...DEFAULT_TOOL_SETTINGS, size: 30 })
    expect(readToolSettings(s, 'u2')).toEqual(DEFAULT_TOOL_SETTINGS)
    expect(readToolSettings(s, 'u3')).toEqual(DEFAULT_TOOL_SETTINGS)
  })
})
