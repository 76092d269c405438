import type { CryptoHost } from './types.js';

/** A CryptoHost over node:crypto. The pepper: bytes or base64, at least 16 bytes. */
export declare function createNodeHost(options: { pepper: Uint8Array | string }): Required<CryptoHost>;
