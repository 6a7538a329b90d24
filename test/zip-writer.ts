/**
 * A minimal zip writer for tests (local headers, central directory, end record; deflate via
 * zlib), independent of the library leadlag reads archives with.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** A zip archive of `files` (name → content; a name ending in `/` is a directory entry). */
export function zipOf(files: Record<string, Buffer>, opts: { encrypted?: boolean; method?: number } = {}): Buffer {
  // Bit 0 of the general-purpose flags marks an entry as encrypted (the data is then not
  // really encrypted here: a reader must refuse it on the flag alone); `method` is written as the
  // entry's compression method over deflated data, which a reader must likewise refuse on the
  // number alone (12 bzip2, 93 zstd, …).
  const flags = opts.encrypted ? 1 : 0;
  const method = opts.method ?? 8;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const nameBytes = Buffer.from(name);
    const packed = deflateRawSync(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8); // 8: deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

