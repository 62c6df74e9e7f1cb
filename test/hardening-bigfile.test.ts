/**
 * A checkpoint over 2 GiB loads (Node's readFileSync refuses files that large). The file is
 * sparse: a valid header, a 2 GiB + 16 byte tensor region of holes and four real floats at its
 * end, so the test writes a few bytes, not gigabytes (it still reads and decodes them: ~4 GiB of
 * memory for a few seconds).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from '../src/node/index.js';

describe('checkpoints over 2 GiB', () => {
  it('load() reads a 2 GiB + 96 byte safetensors file in pieces', { timeout: 120_000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradlab-big-'));
    const p = path.join(dir, 'big.safetensors');
    try {
      const n = 2 ** 29 + 4; // float32 elements: 2^31 + 16 bytes
      const json = JSON.stringify({ w: { dtype: 'F32', shape: [n], data_offsets: [0, 4 * n] } });
      const header = json + ' '.repeat((8 - (json.length % 8)) % 8);
      const start = 8 + header.length;
      const fd = fs.openSync(p, 'w');
      try {
        const len = new DataView(new ArrayBuffer(8));
        len.setBigUint64(0, BigInt(header.length), true);
        fs.writeSync(fd, new Uint8Array(len.buffer), 0, 8, 0);
        fs.writeSync(fd, new TextEncoder().encode(header), 0, header.length, 8);
        fs.ftruncateSync(fd, start + 4 * n);
        const tail = Float32Array.of(1.5, -2.25, 3, 4);
        fs.writeSync(fd, new Uint8Array(tail.buffer), 0, 16, start + 4 * (n - 4));
      } finally {
        fs.closeSync(fd);
      }
      expect(fs.statSync(p).size).toBeGreaterThan(2 ** 31);
      const sd = load(p);
      expect(sd.w!.shape).toEqual([n]);
      expect([...sd.w!.data.subarray(n - 5)]).toEqual([0, 1.5, -2.25, 3, 4]);
      expect(sd.w!.data[0]).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
