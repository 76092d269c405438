import type { CryptoHost } from './types.js';

export interface EncryptionKey {
  /** 1-64 letters, digits, . _ - ; stored beside each sealed secret. */
  kid: string;
  /** 32 random bytes. */
  key: Uint8Array;
}

/** Seals TOTP secrets with AES-256-GCM under the first key, bound to their owner; every key opens. */
export interface Sealer {
  seal(owner: string | Uint8Array, secret: string | Uint8Array): string;
  /** Throws SealError for a text that is not sealed, was altered, belongs to another owner or is under an unknown key. */
  open(owner: string | Uint8Array, sealed: string): string;
  /** The key id of a sealed text, or null. */
  keyIdOf(sealed: string): string | null;
  readonly currentKid: string;
}

export declare class SealError extends Error {}
export declare function createSealer(keys: EncryptionKey[]): Sealer;

/**
 * A CryptoHost over node:crypto. The pepper: bytes or base64, at least 16 bytes. With
 * encryptionKeys, decide() stores TOTP secrets sealed for `input.user.id` instead of in clear.
 */
export declare function createNodeHost(options: { pepper: Uint8Array | string; encryptionKeys?: EncryptionKey[] }): Required<Pick<CryptoHost, 'hmac' | 'pepperedHash' | 'randomBytes'>> & CryptoHost & { sealer?: Sealer };
/** A host that only seals and opens (for resealState and key rotation); its HMACs fail. */
export declare function createSealingHost(encryptionKeys: EncryptionKey[]): CryptoHost & { sealer: Sealer };
