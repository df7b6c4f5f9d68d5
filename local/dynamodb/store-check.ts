/**
 * A read-only check of the embedded store's LevelDB folder, before dynalite opens it.
 *
 * Opening a damaged LevelDB is not harmless: with CURRENT missing, LevelDB creates a new, empty database and deletes
 * every table file the old one had (RemoveObsoleteFiles); a garbage MANIFEST or table file ends in a raw LevelDB
 * error. So the folder is read first, and anything LevelDB would lose or choke on refuses the start, naming the file,
 * with every byte left as it was.
 *
 * What is read follows LevelDB's own formats (doc/impl.md, doc/log_format.md, doc/table_format.md of
 * google/leveldb): CURRENT names the MANIFEST; the MANIFEST is a log of VersionEdit records (32 KiB blocks, each
 * record with a masked CRC32C); the live table files are those the edits add and do not delete; each table ends with
 * a 48-byte footer (block handles of the metaindex and the index, then the magic number), and every block is followed
 * by a type byte and a masked CRC32C. A torn record at the very end of the MANIFEST is what a crash mid-write leaves,
 * and LevelDB ignores it; so does this check.
 */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** The store cannot be opened without losing data (or at all): `file` is the one at fault. */
export class DamagedStoreError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${problem}`, options);
    this.name = 'DamagedStoreError';
  }
}

/** What the check found: the live table files it verified (for tests and diagnostics). */
export interface StoreCheckResult {
  readonly fresh: boolean;
  readonly manifest?: string;
  readonly tables: readonly string[];
}

const TABLE_FILE = /^(\d+)\.(ldb|sst)$/;
const LOG_FILE = /^\d+\.log$/;
const MANIFEST_FILE = /^MANIFEST-\d+$/;

/** Throws DamagedStoreError when LevelDB would lose data or fail opening `dir`; reads only. */
export function checkStore(dir: string): StoreCheckResult {
  if (!existsSync(dir)) return { fresh: true, tables: [] };
  const entries = readdirSync(dir);
  const current = path.join(dir, 'CURRENT');
  if (!entries.includes('CURRENT')) {
    const data = entries.filter((name) => TABLE_FILE.test(name) || (LOG_FILE.test(name) && statSync(path.join(dir, name)).size > 0));
    // Without data files, there is nothing to lose: LevelDB starts a new database.
    if (data.length === 0) return { fresh: true, tables: [] };
    throw new DamagedStoreError(
      current,
      `is missing, but the store has data files (${data.join(', ')}); opening it would start an empty database and delete them`,
    );
  }
  const manifestName = readFileSync(current, 'latin1');
  if (!/^MANIFEST-\d+\n$/.test(manifestName)) {
    throw new DamagedStoreError(current, `does not name a MANIFEST file (it holds ${JSON.stringify(manifestName.slice(0, 40))})`);
  }
  const manifest = path.join(dir, manifestName.trim());
  if (!existsSync(manifest)) throw new DamagedStoreError(manifest, 'is missing (CURRENT names it)');
  const version = readManifest(manifest);
  const tables: string[] = [];
  for (const [number, size] of version.files) {
    const table = tableFile(dir, entries, number);
    if (!table) throw new DamagedStoreError(path.join(dir, `${String(number).padStart(6, '0')}.ldb`), `is missing (${path.basename(manifest)} lists it)`);
    checkTable(table, size);
    tables.push(table);
  }
  return { fresh: false, manifest, tables };
}

/** The MANIFEST files of a folder, for a message that lists them. */
export function manifestFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => MANIFEST_FILE.test(name)) : [];
}

function tableFile(dir: string, entries: readonly string[], number: number): string | undefined {
  const padded = String(number).padStart(6, '0');
  const name = [`${padded}.ldb`, `${padded}.sst`].find((candidate) => entries.includes(candidate));
  return name && path.join(dir, name);
}

// --- the MANIFEST --------------------------------------------------------------------------------------------------

const BLOCK_SIZE = 32768;
const HEADER_SIZE = 7;
enum RecordType {
  Zero = 0,
  Full = 1,
  First = 2,
  Middle = 3,
  Last = 4,
}

/** The live table files (number → size) after replaying every VersionEdit of the MANIFEST. */
function readManifest(file: string): { files: Map<number, number> } {
  const bytes = readFileSync(file);
  const files = new Map<number, number>();
  let sawNextFile = false;
  let sawLogNumber = false;
  let sawLastSequence = false;
  for (const record of logRecords(bytes, file)) {
    const edit = decodeVersionEdit(record, file);
    if (edit.comparator !== undefined && edit.comparator !== 'leveldb.BytewiseComparator') {
      throw new DamagedStoreError(file, `uses the comparator ${edit.comparator}, not LevelDB's bytewise one`);
    }
    for (const number of edit.deleted) files.delete(number);
    for (const [number, size] of edit.added) files.set(number, size);
    sawNextFile ||= edit.nextFile;
    sawLogNumber ||= edit.logNumber;
    sawLastSequence ||= edit.lastSequence;
  }
  const missing = [!sawNextFile && 'next file number', !sawLogNumber && 'log number', !sawLastSequence && 'last sequence number'].filter(Boolean);
  if (missing.length > 0) throw new DamagedStoreError(file, `is incomplete: it has no ${missing.join(', ')} (not a LevelDB MANIFEST, or cut short)`);
  return { files };
}

/** The logical records of a LevelDB log file; a torn record at the end (a crash mid-write) is dropped, as LevelDB does. */
function* logRecords(bytes: Buffer, file: string): Generator<Buffer> {
  let offset = 0;
  let pending: Buffer[] | undefined;
  while (offset < bytes.length) {
    const leftInBlock = BLOCK_SIZE - (offset % BLOCK_SIZE);
    if (leftInBlock < HEADER_SIZE) {
      offset += leftInBlock; // the block's trailer is padding
      continue;
    }
    if (bytes.length - offset < HEADER_SIZE) return; // a torn header at the end
    const checksum = bytes.readUInt32LE(offset);
    const length = bytes.readUInt16LE(offset + 4);
    const type = bytes[offset + 6] as RecordType;
    if (type === RecordType.Zero && length === 0 && checksum === 0) {
      offset += leftInBlock; // preallocated zeros
      continue;
    }
    if (offset + HEADER_SIZE + length > bytes.length) return; // a torn record at the end
    if (HEADER_SIZE + length > leftInBlock) throw new DamagedStoreError(file, `has a record that overruns its block at byte ${offset}`);
    const payload = bytes.subarray(offset + HEADER_SIZE, offset + HEADER_SIZE + length);
    if (unmask(checksum) !== crc32c(Buffer.concat([Buffer.of(type), payload]))) {
      throw new DamagedStoreError(file, `has a record with a wrong checksum at byte ${offset}`);
    }
    offset += HEADER_SIZE + length;
    switch (type) {
      case RecordType.Full:
        yield payload;
        pending = undefined;
        break;
      case RecordType.First:
        pending = [payload];
        break;
      case RecordType.Middle:
      case RecordType.Last:
        if (!pending) throw new DamagedStoreError(file, `has a record fragment without its start at byte ${offset}`);
        pending.push(payload);
        if (type === RecordType.Last) {
          yield Buffer.concat(pending);
          pending = undefined;
        }
        break;
      default:
        throw new DamagedStoreError(file, `has a record of unknown type ${type} at byte ${offset}`);
    }
  }
}

interface VersionEdit {
  comparator?: string;
  nextFile: boolean;
  logNumber: boolean;
  lastSequence: boolean;
  added: Array<[number, number]>;
  deleted: number[];
}

/** VersionEdit::DecodeFrom (db/version_edit.cc): tagged fields, varint-encoded. */
function decodeVersionEdit(record: Buffer, file: string): VersionEdit {
  const reader = new VarintReader(record, file);
  const edit: VersionEdit = { nextFile: false, logNumber: false, lastSequence: false, added: [], deleted: [] };
  while (!reader.done) {
    const tag = reader.varint();
    switch (tag) {
      case 1: // comparator
        edit.comparator = reader.slice().toString('latin1');
        break;
      case 2: // log number
        reader.varint();
        edit.logNumber = true;
        break;
      case 9: // previous log number
        reader.varint();
        break;
      case 3: // next file number
        reader.varint();
        edit.nextFile = true;
        break;
      case 4: // last sequence
        reader.varint();
        edit.lastSequence = true;
        break;
      case 5: // compact pointer: level, internal key
        reader.varint();
        reader.slice();
        break;
      case 6: // deleted file: level, number
        reader.varint();
        edit.deleted.push(reader.varint());
        break;
      case 7: {
        // new file: level, number, size, smallest, largest
        reader.varint();
        const number = reader.varint();
        const size = reader.varint();
        reader.slice();
        reader.slice();
        edit.added.push([number, size]);
        break;
      }
      default:
        throw new DamagedStoreError(file, `has an unknown entry (tag ${tag}): not a LevelDB MANIFEST`);
    }
  }
  return edit;
}

class VarintReader {
  private offset = 0;
  constructor(
    private readonly bytes: Buffer,
    private readonly file: string,
  ) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** A varint of up to 64 bits, as a number (file numbers and sizes stay far below 2^53). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let shift = 0; shift < 64; shift += 7) {
      if (this.offset >= this.bytes.length) throw new DamagedStoreError(this.file, 'has a truncated entry');
      const byte = this.bytes[this.offset++];
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new DamagedStoreError(this.file, 'has a malformed number');
  }

  /** A length-prefixed byte string. */
  slice(): Buffer {
    return this.take(this.varint());
  }

  /** The next `length` bytes. */
  take(length: number): Buffer {
    if (this.offset + length > this.bytes.length) throw new DamagedStoreError(this.file, 'has a truncated entry');
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

// --- table files ---------------------------------------------------------------------------------------------------

const FOOTER_SIZE = 48;
const BLOCK_TRAILER_SIZE = 5;
/** kTableMagicNumber, 0xdb4775248b80fb57, little-endian. */
const TABLE_MAGIC = Buffer.from('57fb808b247547db', 'hex');

/**
 * A table file of the size the MANIFEST records, with LevelDB's footer, and every block (metaindex, index, and each
 * data block the index lists) in bounds with its checksum right. Blocks are checked as stored (the checksum covers the
 * compressed bytes); only the index is uncompressed, to find the data blocks.
 */
function checkTable(file: string, expectedSize: number): void {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size !== expectedSize)
      throw new DamagedStoreError(file, `is ${size} bytes long, but the MANIFEST says ${expectedSize}: it was cut short or overwritten`);
    if (size < FOOTER_SIZE) throw new DamagedStoreError(file, 'is too short to be a LevelDB table');
    const footer = readAt(fd, size - FOOTER_SIZE, FOOTER_SIZE);
    if (!footer.subarray(40).equals(TABLE_MAGIC)) throw new DamagedStoreError(file, 'is not a LevelDB table (bad magic number)');
    const handles = new VarintReader(footer, file);
    const metaindex = { offset: handles.varint(), size: handles.varint() };
    const index = { offset: handles.varint(), size: handles.varint() };
    readBlock(fd, file, size, metaindex);
    const indexBlock = readBlock(fd, file, size, index);
    const contents = indexBlock.compressed ? snappyUncompress(indexBlock.contents, file) : indexBlock.contents;
    for (const handle of blockHandles(contents, file)) readBlock(fd, file, size, handle);
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const count = readSync(fd, buffer, read, length - read, position + read);
    if (count === 0) break;
    read += count;
  }
  return buffer.subarray(0, read);
}

/** A block and its trailer: in bounds, and its checksum right. */
function readBlock(fd: number, file: string, fileSize: number, handle: { offset: number; size: number }): { contents: Buffer; compressed: boolean } {
  if (handle.offset + handle.size + BLOCK_TRAILER_SIZE > fileSize) throw new DamagedStoreError(file, `has a block beyond its end (at byte ${handle.offset})`);
  const block = readAt(fd, handle.offset, handle.size + BLOCK_TRAILER_SIZE);
  const contents = block.subarray(0, handle.size);
  const type = block[handle.size];
  const checksum = block.readUInt32LE(handle.size + 1);
  if (unmask(checksum) !== crc32c(block.subarray(0, handle.size + 1)))
    throw new DamagedStoreError(file, `has a block with a wrong checksum at byte ${handle.offset}`);
  if (type !== 0 && type !== 1) throw new DamagedStoreError(file, `has a block of unknown compression ${type} at byte ${handle.offset}`);
  return { contents, compressed: type === 1 };
}

/** The values of an (uncompressed) index block: the block handles of the data blocks (table/block.cc). */
function blockHandles(block: Buffer, file: string): Array<{ offset: number; size: number }> {
  if (block.length < 4) throw new DamagedStoreError(file, 'has an index block too short to read');
  const restarts = block.readUInt32LE(block.length - 4);
  const end = block.length - 4 - restarts * 4;
  if (end < 0) throw new DamagedStoreError(file, 'has a malformed index block');
  const reader = new VarintReader(block.subarray(0, end), file);
  const handles: Array<{ offset: number; size: number }> = [];
  while (!reader.done) {
    reader.varint(); // shared key bytes
    const unshared = reader.varint();
    const valueLength = reader.varint();
    const rest = reader.take(unshared + valueLength);
    const value = new VarintReader(rest.subarray(unshared), file);
    handles.push({ offset: value.varint(), size: value.varint() });
  }
  return handles;
}

/** Snappy's raw format (google/snappy format_description.txt): a varint length, then literals and back-copies. */
function snappyUncompress(input: Buffer, file: string): Buffer {
  const fail = () => new DamagedStoreError(file, 'has a compressed index block that does not uncompress');
  const reader = new VarintReader(input, file);
  const length = reader.varint();
  const output = Buffer.alloc(length);
  let at = input.length - reader.remaining;
  let written = 0;
  while (at < input.length) {
    const tag = input[at++];
    let copyLength: number;
    let offset: number;
    switch (tag & 3) {
      case 0: {
        let literal = tag >> 2;
        if (literal >= 60) {
          const bytes = literal - 59;
          if (at + bytes > input.length) throw fail();
          literal = input.readUIntLE(at, bytes);
          at += bytes;
        }
        literal += 1;
        if (at + literal > input.length || written + literal > length) throw fail();
        input.copy(output, written, at, at + literal);
        at += literal;
        written += literal;
        continue;
      }
      case 1:
        if (at + 1 > input.length) throw fail();
        copyLength = ((tag >> 2) & 7) + 4;
        offset = ((tag >> 5) << 8) | input[at++];
        break;
      case 2:
        if (at + 2 > input.length) throw fail();
        copyLength = (tag >> 2) + 1;
        offset = input.readUInt16LE(at);
        at += 2;
        break;
      default:
        if (at + 4 > input.length) throw fail();
        copyLength = (tag >> 2) + 1;
        offset = input.readUInt32LE(at);
        at += 4;
    }
    if (offset === 0 || offset > written || written + copyLength > length) throw fail();
    // Byte by byte: a copy may overlap what it writes (a run).
    for (let i = 0; i < copyLength; i++, written++) output[written] = output[written - offset];
  }
  if (written !== length) throw fail();
  return output;
}

// --- CRC32C, masked as LevelDB stores it (util/crc32c.h) -------------------------------------------------------------

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32C_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const MASK_DELTA = 0xa282ead8;

function unmask(masked: number): number {
  const rotated = (masked - MASK_DELTA) >>> 0;
  return ((rotated >>> 17) | (rotated << 15)) >>> 0;
}
