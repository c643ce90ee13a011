/**
 * Image sizes read from file headers (PNG IHDR, JPEG SOF), without decoding pixels: yolo and
 * Label Studio store box coordinates relative to the image, so exporting and importing need them.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageSizeOf } from './format.js';

const HEAD_BYTES = 256 * 1024;

/** Width and height of a PNG or JPEG file, or undefined for anything else. */
export function readImageSize(file: string): { width: number; height: number } | undefined {
    const fd = openSync(file, 'r');
    const head = Buffer.alloc(HEAD_BYTES);
    const length = readSync(fd, head, 0, HEAD_BYTES, 0);
    closeSync(fd);
    const bytes = head.subarray(0, length);
    if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('latin1', 12, 16) === 'IHDR') {
        return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
    }
    // A file too short for a segment has none: the loop's bound is the only length check needed.
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
        let offset = 2;
        while (offset + 9 < bytes.length) {
            if (bytes[offset] !== 0xff) {
                return undefined;
            }
            const marker = bytes[offset + 1];
            const size = bytes.readUInt16BE(offset + 2);
            // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
            if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
                return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
            }
            offset += 2 + size;
        }
    }
    return undefined;
}

const IMAGE_EXTENSIONS = ['', '.jpg', '.jpeg', '.png', '.JPG', '.JPEG', '.PNG'];

/** The image file of an item key under `dir` (the key itself, or the key plus a usual extension). */
export function imageFileOf(dir: string, item: string): string | undefined {
    return IMAGE_EXTENSIONS.map((ext) => join(dir, item + ext)).find((file) => existsSync(file));
}

/** Image sizes of items whose images are under `dir` (item key = path relative to `dir`), cached. */
export function imageSizesIn(dir: string): ImageSizeOf {
    const cache = new Map<string, { width: number; height: number } | undefined>();
    return (item) => {
        if (!cache.has(item)) {
            const file = imageFileOf(dir, item);
            cache.set(item, file ? readImageSize(file) : undefined);
        }
        return cache.get(item);
    };
}
