// After sign-in or sign-up the user goes back where they were, and only ever to this site.
import { describe, expect, it } from 'vitest'
import { safeReturnPath, signInHref } from '../../lib/auth/return-path'

describe('safeReturnPath', () => {
  it('keeps same-site paths with their query and fragment', () => {
    expect(safeReturnPath('/studio/abc')).toBe('/studio/abc')
    expect(safeReturnPath('/studio/abc?token=Zx_9-aa#v2')).toBe('/studio/abc?token=Zx_9-aa#v2')
    expect(safeReturnPath('/gallery?sort=liked&tag=cat')).toBe('/gallery?sort=liked&tag=cat')
  })

  it('refuses anything that could leave the site, and junk', () => {
    for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', '/\t/evil.example', '\\\\evil', 'javascript:alert(1)', 'studio/abc', '', null, undefined, `/${'a'.repeat(600)}`]) {
      expect(safeReturnPath(bad), String(bad)).toBeNull()
    }
  })
})

describe('signInHref', () => {
  it('carries the mode and the page to come back to', () => {
    expect(signInHref('signup', '/studio/abc?token=t')).toBe('/signin?mode=signup&next=%2Fstudio%2Fabc%3Ftoken%3Dt')
    expect(signInHref('signin', '/generate')).toBe('/signin?next=%2Fgenerate')
    expect(signInHref('signin', null)).toBe('/signin')
    // never back to the sign-in page itself, never off-site
    expect(signInHref('signup', '/signin?next=%2Fgenerate')).toBe('/signin?mode=signup')
    expect(signInHref('signin', '//evil.example')).toBe('/signin')
  })
})
