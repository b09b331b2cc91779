/**
 * The smallest file every evidence test can call a video: an MP4 `ftyp` box naming the isom brand,
 * then an `mdat` box holding `content` (bytes of filler when a number). file-type knows it as video/mp4.
 */
export function mp4(content: Buffer | number): Buffer {
  const body = typeof content === 'number' ? Buffer.alloc(content, 5) : content;
  const ftyp = Buffer.from('000000206674797069736f6d0000020069736f6d69736f3261766331', 'hex');
  const mdat = Buffer.alloc(8);
  mdat.writeUInt32BE(body.length + 8, 0);
  mdat.write('mdat', 4);
  return Buffer.concat([ftyp, Buffer.alloc(0x20 - ftyp.length), mdat, body]);
}
