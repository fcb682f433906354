// LoRaWAN FRMPayload encryption (LoRaWAN 1.0.x §4.3.3, 1.1 §4.3.3; pkg/crypto
// EncryptDownlink / DecryptDownlink): AES-128 in counter mode over the A_i
// blocks. Encryption and decryption are the same XOR, so the Application
// Server's queue holds ciphertext as the real one does.
import { createCipheriv } from 'node:crypto';

/** Direction byte of the A_i blocks: 0 uplink, 1 downlink. */
export type Direction = 0 | 1;

/**
 * Encrypts (or decrypts) a payload with a 16-byte key (hex), for a DevAddr (hex,
 * big-endian as written), a 32-bit frame counter and a direction.
 */
export function cryptFrmPayload(keyHex: string, devAddrHex: string, fCnt: number, dir: Direction, payload: Buffer): Buffer {
  if (payload.length === 0) return Buffer.alloc(0);
  const key = Buffer.from(keyHex, 'hex');
  if (key.length !== 16) throw new Error('AES-128 key of 16 bytes expected');
  const devAddr = Buffer.from(devAddrHex, 'hex');
  if (devAddr.length !== 4) throw new Error('DevAddr of 4 bytes expected');
  const blocks = Math.ceil(payload.length / 16);
  const a = Buffer.alloc(16 * blocks);
  for (let i = 0; i < blocks; i++) {
    const o = i * 16;
    a[o] = 0x01;
    a[o + 5] = dir;
    // DevAddr and FCnt are little-endian on air.
    for (let j = 0; j < 4; j++) a[o + 6 + j] = devAddr[3 - j] as number;
    a.writeUInt32LE(fCnt >>> 0, o + 10);
    a[o + 15] = (i + 1) & 0xff;
  }
  const cipher = createCipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  const s = Buffer.concat([cipher.update(a), cipher.final()]);
  const out = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = (payload[i] as number) ^ (s[i] as number);
  return out;
}
