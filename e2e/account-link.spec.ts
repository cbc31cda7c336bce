// The newcomer's path: as a guest, generate a face, open it in the canvas, draw, save a version,
// share an edit link with a second guest who draws too; then "Sign up to keep your work". The
// artwork opens afterwards with its strokes and versions, the other tab of the same browser keeps
// editing as the account, and the collaborator sees the new name; revoking the link (asked first)
// sends the collaborator out and keeps their strokes.
import { expect, test, type Page } from '@playwright/test'
import { CYAN, drawStroke, MAGENTA, nearColour, openSampleInStudio, ORANGE, pixelAt, waitForEditor } from './helpers'

test.describe.configure({ timeout: 240_000 })


const people = (page: Page) => page.getByLabel('People here').getByRole('listitem')

test('signing up keeps the guest\'s artwork, strokes, versions and open tabs', async ({ browser }) => {
  // a guest generates a face and opens it in the canvas (the guest session starts on the way)
  const guest = await browser.newContext()
  const studio = await guest.newPage()
  const artworkId = await openSampleInStudio(studio)
  const guestName = (await studio.getByTestId('me').textContent())!.replace('(guest)', '').trim()
  await drawStroke(studio, '#ff00ff', [100, 100], [300, 120])
  await expect.poll(async () => nearColour(await pixelAt(studio, 200, 110), MAGENTA)).toBe(true)
  await studio.getByLabel('What changed?').fill('my first stroke')
  await studio.getByRole('button', { name: 'Save version' }).click()
  await expect(studio.getByTestId('version-2')).toContainText('my first stroke', { timeout: 30_000 })

  // an edit link for a second guest, who draws too
  await studio.getByRole('button', { name: 'Share', exact: true }).click()
  await studio.getByRole('button', { name: 'New edit link' }).click()
  const link = await studio.getByLabel('edit link', { exact: true }).inputValue()
  await studio.keyboard.press('Escape')
  const friend = await browser.newContext()
  const friendPage = await friend.newPage()
  await friendPage.goto(link)
  await waitForEditor(friendPage)
  await drawStroke(friendPage, '#00ffff', [100, 300], [300, 320])
  await expect.poll(async () => nearColour(await pixelAt(studio, 200, 310), CYAN)).toBe(true)

  // a second tab of the guest's browser stays open on the studio
  const otherTab = await guest.newPage()
  await otherTab.goto(`/studio/${artworkId}`)
  await waitForEditor(otherTab)
  await expect(people(friendPage)).toHaveCount(3)

  // "Sign up to keep your work", from the studio
  await studio.getByRole('link', { name: 'Sign up to keep your work' }).click()
  await studio.waitForURL(/\/signin\?mode=signup&next=/)
  await expect(studio.getByTestId('guest-carry-note')).toContainText(guestName)
  await studio.getByLabel('Display name').fill('Ada Lovelace')
  await studio.getByLabel('Email').fill(`ada-${Date.now()}@example.com`)
  await studio.getByLabel('Password').fill('correct horse battery')
  await studio.screenshot({ path: 'test-results/screens/sign-up-as-guest.png' })
  await studio.getByRole('button', { name: 'Create account' }).click()

  // back in the same artwork, as the account: strokes and versions all there
  await studio.waitForURL(new RegExp(`/studio/${artworkId}$`), { timeout: 30_000 })
  await waitForEditor(studio)
  await expect(studio.getByTestId('me')).toHaveText('Ada Lovelace')
  await expect.poll(async () => nearColour(await pixelAt(studio, 200, 110), MAGENTA)).toBe(true)
  await expect.poll(async () => nearColour(await pixelAt(studio, 200, 310), CYAN)).toBe(true)
  await expect(studio.getByTestId('version-2')).toContainText('my first stroke')
  await expect(studio.getByTestId('version-2')).toContainText('Ada Lovelace')
  await studio.screenshot({ path: 'test-results/screens/after-sign-up.png' })

  // the tab that stayed open goes on as the account: the collaborator sees the new name and its strokes
  await expect(people(friendPage).filter({ hasText: 'Ada Lovelace' })).toHaveCount(2, { timeout: 15_000 })
  await expect(people(friendPage).filter({ hasText: guestName })).toHaveCount(0)
  await expect(otherTab.getByTestId('me')).toHaveText('Ada Lovelace', { timeout: 15_000 })
  await drawStroke(otherTab, '#ff8800', [100, 480], [300, 500])
  await expect.poll(async () => nearColour(await pixelAt(friendPage, 200, 490), ORANGE), { timeout: 30_000 }).toBe(true)
  await expect(otherTab.getByTestId('connection')).not.toContainText('unsent')

  // everything survives a reload from the server, for both people
  await friendPage.reload()
  await waitForEditor(friendPage)
  for (const [at, colour] of [
    [[200, 110], MAGENTA],
    [[200, 310], CYAN],
    [[200, 490], ORANGE],
  ] as const) {
    await expect.poll(async () => nearColour(await pixelAt(friendPage, at[0], at[1]), colour)).toBe(true)
  }
  const api = await guest.request.get(`/api/artworks/${artworkId}`)
  expect(api.status()).toBe(200)
  expect(((await api.json()) as { artwork: { owner: { name: string } } }).artwork.owner.name).toBe('Ada Lovelace')

  // revoking the link is asked first; it sends the friend out, and their strokes stay
  await studio.getByRole('button', { name: 'Share', exact: true }).click()
  await studio.getByRole('button', { name: 'Revoke the edit link' }).click()
  const confirmRevoke = studio.getByRole('group', { name: 'Confirm revoking the edit link' })
  await expect(confirmRevoke.getByRole('button', { name: 'Keep' })).toBeFocused()
  await confirmRevoke.getByRole('button', { name: 'Revoke' }).click()
  await expect(friendPage.getByText('The link you joined with was revoked by the owner.')).toBeVisible({ timeout: 15_000 })
  await expect(studio.getByRole('button', { name: 'Revoke the edit link' })).toHaveCount(0)
  await expect.poll(async () => nearColour(await pixelAt(studio, 200, 310), CYAN)).toBe(true)
  await guest.close()
  await friend.close()
})
