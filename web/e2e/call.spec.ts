import { expect, test } from '@playwright/test';
import { closeAll, dialogPair, message } from './helpers';

test('a video call between two pages connects over WebRTC through our signalling and ends on both sides', async ({ browser }) => {
  const { alice, bob } = await dialogPair(browser, 'calling you');

  await alice.page.getByRole('button', { name: 'Video call' }).click();
  const aliceCall = alice.page.locator('.call-layer');
  const bobCall = bob.page.locator('.call-layer');
  await expect(aliceCall).toHaveAttribute('data-call-phase', 'outgoing');
  await expect(bobCall).toHaveAttribute('data-call-phase', 'incoming');
  await expect(bobCall).toContainText('Incoming video call');

  const started = Date.now();
  await bobCall.getByRole('button', { name: 'Accept' }).click();
  await expect(aliceCall).toHaveAttribute('data-connection-state', 'connected');
  await expect(bobCall).toHaveAttribute('data-connection-state', 'connected');
  console.log(`MEASURE call_connect_ms=${Date.now() - started}ms`);
  // The fake camera's frames arrive: the remote video plays.
  await expect.poll(() => bobCall.locator('.remote-video').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);

  await aliceCall.getByRole('button', { name: 'Hang up' }).click();
  await expect(aliceCall).toHaveCount(0);
  await expect(bobCall).toHaveCount(0);
  // The call's service message lands in both histories.
  await expect(alice.page.locator('.call-line')).toContainText('Outgoing call');
  await expect(bob.page.locator('.call-line')).toContainText('Incoming call');
  await expect(message(bob.page, 'calling you')).toBeVisible();

  await closeAll(alice, bob);
});

test('a call that is declined ends on both sides and is shown as declined', async ({ browser }) => {
  const { alice, bob } = await dialogPair(browser, 'ring ring');

  await alice.page.getByRole('button', { name: 'Call', exact: true }).click();
  await expect(bob.page.locator('.call-layer')).toHaveAttribute('data-call-phase', 'incoming');
  await bob.page.locator('.call-layer').getByRole('button', { name: 'Decline' }).click();
  await expect(alice.page.locator('.call-layer')).toHaveCount(0);
  await expect(alice.page.locator('.call-line')).toContainText('Declined call');

  await closeAll(alice, bob);
});

test('a call nobody answers rings out and shows as missed on both sides', async ({ browser }) => {
  test.skip(!process.env.RING_TIMEOUT_SECONDS, 'needs a short ring timeout (the browser tests’ stack sets Calls__RingTimeout)');
  const ringFor = Number(process.env.RING_TIMEOUT_SECONDS) * 1000;
  const { alice, bob } = await dialogPair(browser, 'are you there?');

  await alice.page.getByRole('button', { name: 'Call', exact: true }).click();
  await expect(bob.page.locator('.call-layer')).toHaveAttribute('data-call-phase', 'incoming');
  // Nobody answers: the ring timeout (a delayed queue message) ends it.
  await expect(bob.page.locator('.call-layer')).toHaveCount(0, { timeout: ringFor + 15_000 });
  await expect(alice.page.locator('.call-layer')).toHaveCount(0);
  await expect(bob.page.locator('.call-line')).toContainText('Missed call');
  await expect(alice.page.locator('.call-line')).toContainText('Missed call');
  await closeAll(alice, bob);
});
