import { describe, expect, it } from 'vitest'
import { isTypingTarget } from '../../components/studio/tools'

// stand-ins with the properties isTypingTarget reads (tests run without a DOM)
const el = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, isContentEditable: false, ...extra }) as unknown as EventTarget

describe('isTypingTarget', () => {
  it('keeps the shortcuts out of text entry', () => {
    for (const type of ['text', 'search', 'email', 'number', 'password', 'url']) expect(isTypingTarget(el('INPUT', { type }))).toBe(true)
    expect(isTypingTarget(el('TEXTAREA'))).toBe(true)
    expect(isTypingTarget(el('SELECT'))).toBe(true)
    expect(isTypingTarget(el('DIV', { isContentEditable: true }))).toBe(true)
  })

  it('lets them work with a checkbox, slider, colour or button focused, and on the page', () => {
    for (const type of ['checkbox', 'radio', 'range', 'color', 'button', 'file']) expect(isTypingTarget(el('INPUT', { type }))).toBe(false)
    expect(isTypingTarget(el('BUTTON'))).toBe(false)
    expect(isTypingTarget(el('BODY'))).toBe(false)
    expect(isTypingTarget(null)).toBe(false)
  })
})
