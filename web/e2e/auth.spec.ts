import { expect, test } from '@playwright/test';
import { closeAll, connected, screenshot, signUp } from './helpers';

test('sign up, stay signed in across a reload, sign out and sign in again', async ({ browser }) => {
  const alice = await signUp(browser, 'Alice');
  const { page } = alice;
  await screenshot(page, 'chat-list-empty');

  // The access token lives in memory only: a reload signs in again through the HttpOnly refresh cookie.
  await page.reload();
  await expect(page.getByRole('button', { name: 'New chat' })).toBeVisible();
  expect(await page.evaluate(() => document.cookie)).not.toContain('refreshToken');

  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.locator('.sessions li[data-current="true"]')).toContainText('this device');
  await screenshot(page, 'settings');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();

  // Signed out means the cookie is gone too: a reload stays signed out.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Username or email').fill(alice.username);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'New chat' })).toBeVisible();
  await connected(page);
  await closeAll(alice);
});

test('another device is listed and can be signed out from here', async ({ browser }) => {
  const phone = await signUp(browser, 'Dana');
  const laptop = await browser.newContext();
  const page = await laptop.newPage();
  await page.goto('/login');
  await page.getByLabel('Username or email').fill(phone.username);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'New chat' })).toBeVisible();

  await phone.page.getByRole('link', { name: 'Settings' }).click();
  await expect(phone.page.locator('.sessions li')).toHaveCount(2);
  await phone.page.locator('.sessions li[data-current="false"]').getByRole('button', { name: 'End' }).click();
  await expect(phone.page.locator('.sessions li')).toHaveCount(1);

  // The laptop's refresh cookie no longer works: its next reload lands on sign-in.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await laptop.close();
  await closeAll(phone);
});

test('two tabs of one browser reload at once and both stay signed in (refreshes take turns)', async ({ browser }) => {
  const alice = await signUp(browser, 'Alice');
  const second = await alice.context.newPage();
  await second.goto('/');
  await expect(second.getByRole('button', { name: 'New chat' })).toBeVisible();

  // Both tabs refresh with the one cookie at the same moment. A refresh token used twice ends the session, so
  // without the Web Lock one tab would be signed out, or both.
  for (let round = 0; round < 3; round++) {
    await Promise.all([alice.page.reload(), second.reload()]);
    await expect(alice.page.getByRole('button', { name: 'New chat' })).toBeVisible();
    await expect(second.getByRole('button', { name: 'New chat' })).toBeVisible();
  }
  await closeAll(alice);
});
