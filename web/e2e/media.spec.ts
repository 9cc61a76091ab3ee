import { expect, test } from '@playwright/test';
import { closeAll, dialogPair, message, screenshot } from './helpers';

test('an image upload shows its progress, then its thumbnail in the other page', async ({ browser }) => {
  const { alice, bob } = await dialogPair(browser, 'photo coming');

  // A slow uplink (≈ 2 Mbit/s) makes the progress bar visible between 0 and 100 %.
  const cdp = await alice.context.newCDPSession(alice.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  const progressSeen = new Set<number>();
  await alice.page.exposeFunction('reportProgress', (value: number) => progressSeen.add(value));
  await alice.page.evaluate(() => {
    new MutationObserver(() => {
      for (const bar of document.querySelectorAll('.attachments progress')) {
        (window as unknown as { reportProgress(v: number): void }).reportProgress(Number(bar.getAttribute('data-progress')));
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-progress'], childList: true });
  });

  // Random pixels do not compress: the browser's own PNG encoder makes a ~1.5 MB file of 700×700.
  const png = await alice.page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 700;
    const context = canvas.getContext('2d')!;
    const pixels = context.createImageData(700, 700);
    for (let i = 0; i < pixels.data.length; i++) pixels.data[i] = i % 4 === 3 ? 255 : (Math.random() * 256) | 0;
    context.putImageData(pixels, 0, 0);
    return canvas.toDataURL('image/png').split(',')[1]!;
  });
  await alice.page.getByTestId('attach-input').setInputFiles({ name: 'noise.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
  await expect(alice.page.locator('.attachments li[data-upload-state="done"]')).toBeVisible({ timeout: 60_000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  expect([...progressSeen].some((p) => p > 0 && p < 100), `progress seen: ${[...progressSeen].join(', ')}`).toBe(true);

  await alice.page.getByRole('textbox', { name: 'Message' }).fill('look at this');
  await alice.page.getByRole('button', { name: 'Send' }).click();

  // Bob sees the message at once, then the thumbnail once processing is done (media.updated).
  const bubble = message(bob.page, 'look at this');
  await expect(bubble).toBeVisible();
  const thumbnail = bubble.locator('.media-image img');
  await expect(thumbnail).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await screenshot(bob.page, 'dialog-with-photo');

  await closeAll(alice, bob);
});

test('a voice note recorded in the browser arrives with its waveform and duration', async ({ browser }) => {
  const { alice, bob } = await dialogPair(browser, 'listen');

  // Chromium's fake microphone beeps; a couple of seconds of it make a voice note.
  await alice.page.getByRole('button', { name: 'Record a voice message' }).click();
  await expect(bob.page.getByTestId('chat-subtitle')).toHaveText('typing…');
  await expect(alice.page.getByRole('button', { name: 'Stop and send' })).toBeVisible();
  await expect(alice.page.getByRole('timer')).toHaveText('0:02', { timeout: 10_000 });
  await alice.page.getByRole('button', { name: 'Stop and send' }).click();

  const voice = bob.page.locator('.message[data-message-id] .media-voice');
  await expect(voice).toBeVisible({ timeout: 30_000 });
  await expect(voice.locator('.waveform rect').first()).toBeAttached();
  await expect(voice.locator('.duration')).toHaveText(/^0:0[2-9]$/);

  await closeAll(alice, bob);
});

test('a video arrives with a poster frame, and its URL decodes', async ({ browser }) => {
  const { alice, bob } = await dialogPair(browser, 'video next');
  // A second and a half of Chromium's fake camera, recorded in the page: a real WebM to upload.
  const webm = await alice.page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
    const recorder = new MediaRecorder(stream, { mimeType: 'video/webm' });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    recorder.stop();
    await stopped;
    stream.getTracks().forEach((track) => track.stop());
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte);
    return btoa(text);
  });
  await alice.page.getByTestId('attach-input').setInputFiles({ name: 'clip.webm', mimeType: 'video/webm', buffer: Buffer.from(webm, 'base64') });
  await expect(alice.page.locator('.attachments li[data-upload-state="done"]')).toBeVisible({ timeout: 30_000 });
  await alice.page.getByRole('textbox', { name: 'Message' }).fill('a clip');
  await alice.page.getByRole('button', { name: 'Send' }).click();

  const video = message(bob.page, 'a clip').locator('video.media-video');
  await expect(video).toBeVisible({ timeout: 30_000 });
  await expect(video).toHaveAttribute('poster', /^http/);
  // Its URL serves a video the browser can decode: the metadata gives the recorded size.
  const width = await video.evaluate((v: HTMLVideoElement) => new Promise<number>((resolve, reject) => {
    v.onloadedmetadata = () => resolve(v.videoWidth);
    v.onerror = () => reject(new Error(`video error ${v.error?.code}`));
    v.preload = 'metadata';
    v.load();
  }));
  expect(width).toBe(320);
  await closeAll(alice, bob);
});
