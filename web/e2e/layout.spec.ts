import { expect, test, type Page } from '@playwright/test';
import { closeAll, message, openChat, openDialog, screenshot, send, signUp } from './helpers';

const phone = { width: 390, height: 844 };

async function noHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => ({
    document: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    widest: Math.max(...[...document.querySelectorAll('body *')].map((e) => e.getBoundingClientRect().right)) - window.innerWidth,
  }));
  expect(overflow.document, 'the page scrolls sideways').toBeLessThanOrEqual(0);
  expect(overflow.widest, 'an element sticks out to the right').toBeLessThanOrEqual(1);
}

test('on a 390×844 phone screen: one pane at a time, nothing scrolls sideways', async ({ browser }) => {
  const alice = await signUp(browser, 'Alice', phone);
  const bob = await signUp(browser, 'Bob', phone);
  await noHorizontalScroll(alice.page);
  await openDialog(alice, bob);
  await send(alice.page, 'A long line without spaces: ' + 'x'.repeat(300));
  await send(alice.page, 'https://example.test/' + 'very-long-path/'.repeat(20));
  await openChat(bob, 'Alice');
  await expect(message(bob.page, 'A long line')).toBeVisible();
  await expect(bob.page.locator('.sidebar')).toBeHidden();
  await noHorizontalScroll(bob.page);
  await screenshot(bob.page, 'phone-chat');

  await bob.page.getByRole('link', { name: 'Back' }).click();
  await expect(bob.page.locator('.chat-row', { hasText: 'Alice' })).toBeVisible();
  await noHorizontalScroll(bob.page);
  await screenshot(bob.page, 'phone-chat-list');

  await bob.page.getByRole('link', { name: 'Settings' }).click();
  await expect(bob.page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await noHorizontalScroll(bob.page);

  await closeAll(alice, bob);
});
