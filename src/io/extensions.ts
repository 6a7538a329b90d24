/**
 * File-name extensions of compressed inputs, in one place: the messages, inspect's series and
 * a directory's listing all judge a name by them.
 */

/** The one layer leadlag takes off itself, by a name's extension: gzip or zip. */
export const OWN_LAYER = /\.(gz|zip)$/i;

/** Compression leadlag does not read, by extension (captured, lower- or upper-case). */
export const FOREIGN_PACKING = /\.(zst|zstd|xz|bz2|lz4|7z)$/i;

/** `name` without a `.gz` or `.zip` extension. */
export function withoutOwnLayer(name: string): string {
  return name.replace(OWN_LAYER, '');
}
