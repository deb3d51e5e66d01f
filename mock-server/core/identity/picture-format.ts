/**
 * Whether uploaded bytes are a picture a face comparison could read: a JPEG or a PNG, told by the
 * signature every such file opens with (JPEG's SOI marker and first segment, PNG's eight bytes). Enough
 * for a sandbox that compares no faces; a renamed text file or a truncated upload is told apart.
 */
const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export type PictureFormat = 'jpeg' | 'png';

function opensWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length > signature.length && signature.every((byte, i) => bytes[i] === byte);
}

export function pictureFormat(bytes: Uint8Array): PictureFormat | undefined {
  if (opensWith(bytes, JPEG)) return 'jpeg';
  if (opensWith(bytes, PNG)) return 'png';
  return undefined;
}
