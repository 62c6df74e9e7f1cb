/**
 * Files: stale temporaries of crashed saves are removed by the next save of the same target (and
 * nothing else is), file errors are typed and name the path, and a checkpoint over 2 GiB loads.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileError, FormatError, GradlabError, ValueError, tensor } from '../src/index.js';
import { load, loadAsync, readRunRecordFile, save, saveAsync, writeFileAtomic, writeFileAtomicSync } from '../src/node/index.js';
import { readCheckpoint, readCheckpointSync } from '../src/node/read-checkpoint.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradlab-hardening-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited (a crashed writer). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

function touchOld(p: string, content = 'partial'): void {
  fs.writeFileSync(p, content);
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(p, past, past);
}

describe('stale temporaries', () => {
  it('a save removes the temporaries crashed saves of the same target left, and nothing else', async () => {
    const target = path.join(dir, 'model.safetensors');
    const dead = deadPid();
    const stale = [`.model.safetensors.${dead}.0123456789ab.tmp`, `.model.safetensors.${dead}.ffffffffffff.tmp`];
    const keep = [
      `.other.safetensors.${dead}.0123456789ab.tmp`, // another target
      `.model.safetensors.${dead}.0123456789ab.tmp.bak`, // not the pattern
      `.model.safetensors.${dead}.0123456789AB.tmp`, // not the pattern (upper-case hex)
      `.model.safetensors.x${dead}.0123456789ab.tmp`, // not the pattern
      `.model.safetensors.${process.ppid}.0123456789ab.tmp`, // a live process (our parent) may be writing it
      `model.safetensors.${dead}.0123456789ab.tmp`, // no leading dot
    ];
    for (const n of [...stale, ...keep]) touchOld(path.join(dir, n));
    // a temporary of a dead writer that is newer than the current write is left alone
    const fresh = path.join(dir, `.model.safetensors.${dead}.aaaaaaaaaaaa.tmp`);
    fs.writeFileSync(fresh, 'x');
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(fresh, future, future);

    save({ w: tensor([1, 2, 3]) }, target);
    const names = new Set(fs.readdirSync(dir));
    for (const n of stale) expect(names.has(n), n).toBe(false);
    for (const n of keep) expect(names.has(n), n).toBe(true);
    expect(names.has(path.basename(fresh))).toBe(true);
    expect([...load(target).w!.data]).toEqual([1, 2, 3]);
    // no temporary of our own is left
    expect([...names].filter((n) => n.includes(`.${process.pid}.`))).toEqual([]);

    // the async save cleans too
    touchOld(path.join(dir, stale[0]!));
    await saveAsync({ w: tensor([4]) }, target);
    expect(fs.existsSync(path.join(dir, stale[0]!))).toBe(false);
    expect([...(await loadAsync(target)).w!.data]).toEqual([4]);
  });

  it('writeFileAtomic / writeFileAtomicSync clean the same way', async () => {
    const target = path.join(dir, 'notes.txt');
    const stale = path.join(dir, `.notes.txt.${deadPid()}.00000000abcd.tmp`);
    touchOld(stale);
    writeFileAtomicSync(target, 'a');
    expect(fs.existsSync(stale)).toBe(false);
    touchOld(stale);
    await writeFileAtomic(target, 'b');
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.readFileSync(target, 'utf8')).toBe('b');
  });
});

describe('typed file errors', () => {
  it('readRunRecordFile on a missing file or a directory', () => {
    const missing = path.join(dir, 'nope.jsonl');
    for (const [p, code, why] of [[missing, 'ENOENT', /no such file/], [dir, 'EISDIR', /is a directory/]] as const) {
      let err: unknown;
      try {
        readRunRecordFile(p);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FileError);
      expect(err).toBeInstanceOf(GradlabError);
      expect((err as FileError).code).toBe(code);
      expect((err as Error).message).toContain(p);
      expect((err as Error).message).toMatch(why);
    }
    expect(() => readRunRecordFile(42 as never)).toThrow(ValueError);
  });

  it('readRunRecordFile: invalid UTF-8 is refused with the line and offset; a leading BOM is accepted', () => {
    const good = '{"type":"header","format":"gradlab-run-record","version":1,"createdAt":null,"library":{"name":"gradlab","version":"0.1.0"},"seed":null,"spec":null,"environment":{}}\n';
    const p = path.join(dir, 'bad-utf8.jsonl');
    const bytes = Buffer.concat([Buffer.from(good), Buffer.from('{"type":"end","steps":0,"status":"f'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);
    fs.writeFileSync(p, bytes);
    expect(() => readRunRecordFile(p)).toThrow(FormatError);
    expect(() => readRunRecordFile(p)).toThrow(/not valid UTF-8 \(line 2, byte offset \d+: 0xc3\)/);
    const q = path.join(dir, 'bom.jsonl');
    fs.writeFileSync(q, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good)]));
    expect(readRunRecordFile(q).header.format).toBe('gradlab-run-record');
  });

  it('save/load errors are FileErrors naming the path; a bad path argument is a ValueError', () => {
    expect(() => load(path.join(dir, 'missing.safetensors'))).toThrow(FileError);
    expect(() => load(dir)).toThrow(/is a directory/);
    expect(() => save({ w: tensor([1]) }, path.join(dir, 'no', 'such', 'x.safetensors'))).toThrow(FileError);
    expect(() => load('' as string)).toThrow(ValueError);
    expect(() => writeFileAtomicSync(path.join(dir, 'y'), 42 as never)).toThrow(ValueError);
  });
});

describe('tensor-by-tensor checkpoint reading (the path of large files)', () => {
  it('gives what the whole-file path gives, for every written dtype, and refuses a lying header', async () => {
    const p = path.join(dir, 'dtypes.safetensors');
    const sd = {
      a: tensor([[1.5, -2], [3, 4]]),
      h: tensor([0.5, -1, 65504]),
      b: tensor([1, 2.5, -3]),
      i: tensor([7, -8, 9]),
      d: tensor([1e-3, 2]),
      bn_num_batches_tracked: tensor(12),
    };
    save(sd, p, { dtypes: { h: 'F16', b: 'BF16', i: 'I32', d: 'F64' } });
    const plain = load(p);
    for (const got of [readCheckpointSync('load', p, 0).tensors, (await readCheckpoint('load', p, 0)).tensors]) {
      expect(Object.keys(got).sort()).toEqual(Object.keys(plain).sort());
      for (const k of Object.keys(plain)) {
        expect([...got[k]!.shape], k).toEqual([...plain[k]!.shape]);
        expect([...got[k]!.data], k).toEqual([...plain[k]!.data]);
      }
    }
    const bytes = fs.readFileSync(p);
    const cut = path.join(dir, 'cut.safetensors');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 4));
    expect(() => readCheckpointSync('load', cut, 0)).toThrow(FormatError);
    await expect(readCheckpoint('load', cut, 0)).rejects.toThrow(FormatError);
    const lie = Buffer.from(bytes);
    lie.writeBigUInt64LE(10n ** 12n, 0);
    fs.writeFileSync(cut, lie);
    expect(() => readCheckpointSync('load', cut, 0)).toThrow(/header length field/);
  });
});
