// Every screen audited with axe-core (WCAG 2.0/2.1 A and AA rules) in real Chromium, once its
// content has loaded: labels, names, contrast, landmarks and ARIA use.
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { openSampleInStudio } from './helpers'

test.describe.configure({ timeout: 180_000 })

async function audit(page: Page, screen: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const found = violations.map((v) => ({
    screen,
    rule: v.id,
    impact: v.impact,
    help: v.help,
    where: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ') ?? ''}`),
  }))
  expect.soft(found).toEqual([])
}

test('the public screens have no WCAG A/AA violations', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')
  await audit(page, 'home')

  await page.goto('/credits')
  await audit(page, 'credits')

  await page.goto('/signin')
  await audit(page, 'signin')

  await page.goto('/gallery')
  await audit(page, 'gallery')

  await page.goto('/status')
  await expect(page.getByText('Everything is working.')).toBeVisible()
  await audit(page, 'status')

  await page.goto('/lab')
  await expect(page.getByRole('button', { name: /^Play/ })).toBeEnabled({ timeout: 90_000 })
  await audit(page, 'lab')

  await page.goto('/no-such-page')
  await audit(page, 'not found')
})

test('the generate page and the studio have no WCAG A/AA violations', async ({ page }) => {
  await page.goto('/generate')
  await expect(page.getByTestId('backend')).toContainText('Running on', { timeout: 60_000 })
  await expect(page.getByRole('progressbar')).toBeHidden({ timeout: 60_000 })
  await audit(page, 'generate')

  await openSampleInStudio(page)
  await audit(page, 'studio')

  // the publish form open, then the published piece's page
  await page.getByTestId('version-1').getByRole('button', { name: 'Publish' }).click()
  const form = page.getByRole('form', { name: 'Publish version 1' })
  await form.getByLabel('Title').fill('Audited piece')
  await audit(page, 'studio publish form')
  await form.getByRole('button', { name: 'Publish' }).click()
  await expect(page.getByText('Published.')).toBeVisible()
  await page.getByRole('list', { name: 'Published pieces of this artwork' }).getByRole('link', { name: 'Audited piece' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Audited piece' })).toBeVisible()
  await audit(page, 'piece')
  await page.goto('/gallery')
  await expect(page.getByRole('link', { name: /Audited piece/ }).first()).toBeVisible()
  await audit(page, 'gallery with a piece')
})
