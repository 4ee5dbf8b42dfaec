import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; `.ci/run` installs it, a developer runs `apt-get install chromium`. */
export const CHROMIUM = '/usr/bin/chromium';

/** Without these Chromium reaches for the network at every start (updates, sync, field trials). */
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile. Throws (never skips) when Chromium is missing. */
export async function launchChromium(viewport = { width: 1200, height: 700 }): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  const profile = await mkdtemp(path.join(os.tmpdir(), 'exgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport, timeout: 60_000 });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** RGB of a colour the chart draws, and how far an anti-aliased pixel may be from it. */
export interface Colour {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

export function hex(colour: string): Colour {
  const n = Number.parseInt(colour.slice(1), 16);
  return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255 };
}

/**
 * Reads a PNG screenshot's pixels in a blank page (the browser is the PNG decoder) and counts, per
 * colour, the columns holding a vertical run of at least `minRun` pixels of it: candle bodies and
 * wicks. The dotted horizontal price line in the same colour never makes such a run.
 */
export async function columnsOf(scratch: Page, png: Buffer, colours: Readonly<Record<string, Colour>>, minRun = 4): Promise<Record<string, number>> {
  return scratch.evaluate(async ({ b64, colours, minRun }) => {
    // The browser's own classes, typed here: this project's TypeScript has no DOM library.
    type Img = { src: string; width: number; height: number; decode(): Promise<void> };
    type Ctx = { drawImage(i: Img, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray; width: number; height: number } };
    const dom = globalThis as unknown as { Image: new () => Img; OffscreenCanvas: new (w: number, h: number) => { getContext(kind: '2d'): Ctx | null } };
    const image = new dom.Image();
    image.src = `data:image/png;base64,${b64}`;
    await image.decode();
    const canvas = new dom.OffscreenCanvas(image.width, image.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(image, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, image.width, image.height);
    const near = (i: number, c: { r: number; g: number; b: number }) =>
      Math.abs(data[i]! - c.r) <= 6 && Math.abs(data[i + 1]! - c.g) <= 6 && Math.abs(data[i + 2]! - c.b) <= 6;
    const out: Record<string, number> = {};
    for (const [name, c] of Object.entries(colours)) {
      let columns = 0;
      for (let x = 0; x < width; x++) {
        let run = 0;
        let best = 0;
        for (let y = 0; y < height; y++) {
          run = near((y * width + x) * 4, c) ? run + 1 : 0;
          best = Math.max(best, run);
        }
        if (best >= minRun) columns++;
      }
      out[name] = columns;
    }
    return out;
  }, { b64: png.toString('base64'), colours, minRun });
}
