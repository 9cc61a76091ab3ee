import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface User {
  name: string;
  username: string;
  context: BrowserContext;
  page: Page;
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A new browser context (its own cookie jar: another device) signed up as a new user, at the chat list. */
export async function signUp(browser: Browser, name: string, viewport = { width: 1100, height: 760 }): Promise<User> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const username = `${name.toLowerCase()}_${unique()}`;
  await page.goto('/register');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('button', { name: 'New chat' })).toBeVisible();
  await connected(page);
  return { name, username, context, page };
}

/** The realtime connection is up (no "Connecting…"/"Offline" banner). */
export async function connected(page: Page): Promise<void> {
  await expect(page.getByRole('status')).toHaveCount(0);
}

/** Starts a dialog with `peer` from `user`'s new-chat dialog, by searching the peer's username. */
export async function openDialog(user: User, peer: User): Promise<string> {
  await user.page.getByRole('button', { name: 'New chat' }).click();
  await user.page.getByLabel('People').fill(peer.username);
  await user.page.getByRole('button', { name: new RegExp(peer.username) }).click();
  await expect(user.page.locator('.chat-header h2')).toHaveText(peer.name);
  return chatIdOf(user.page);
}

export async function createGroup(user: User, title: string, members: User[]): Promise<string> {
  await user.page.getByRole('button', { name: 'New chat' }).click();
  await user.page.getByRole('tab', { name: 'New group' }).click();
  await user.page.getByLabel('Title').fill(title);
  for (const member of members) {
    await user.page.getByLabel('People').fill(member.username);
    await user.page.getByRole('button', { name: new RegExp(member.username) }).click();
  }
  await user.page.getByRole('button', { name: 'Create' }).click();
  await expect(user.page.locator('.chat-header h2')).toHaveText(title);
  return chatIdOf(user.page);
}

export async function chatIdOf(page: Page): Promise<string> {
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname.split('/').pop()!;
}

/** Opens a chat from the chat list (it must be there: created or arrived live). */
export async function openChat(user: User, title: string): Promise<void> {
  await user.page.locator('.chat-row', { hasText: title }).click();
  await expect(user.page.locator('.chat-header h2')).toHaveText(title);
}

export const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });

export async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** A message bubble by its text (confirmed ones only: pending bubbles have no message id). */
export const message = (page: Page, text: string) => page.locator('.message[data-message-id]', { hasText: text });

/** Screenshots of the main screens, kept as test artifacts (never committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(process.env.ARTIFACTS_DIR ?? 'test-results', 'screens');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** Reports a measured figure: the xUnit runner prints these lines after the run. */
export function report(name: string, value: number, unit: string): void {
  console.log(`MEASURE ${name}=${value.toFixed(1)}${unit}`);
}

/**
 * Alice and Bob in a dialog with one message, Bob's page on it: where most specs start. Alice's first message makes
 * the dialog appear in Bob's list.
 */
export async function dialogPair(browser: Browser, first = 'hi'): Promise<{ alice: User; bob: User }> {
  const alice = await signUp(browser, 'Alice');
  const bob = await signUp(browser, 'Bob');
  await openDialog(alice, bob);
  await send(alice.page, first);
  await openChat(bob, 'Alice');
  await expect(message(bob.page, first)).toBeVisible();
  return { alice, bob };
}

export async function closeAll(...users: User[]): Promise<void> {
  for (const user of users) await user.context.close();
}
