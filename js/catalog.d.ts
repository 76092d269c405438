import type { ErrorCode } from './contract.js';
import type { ErrorBody } from './types.js';

export interface CatalogEntry {
  /** "IDE-0001" … */
  readonly code: ErrorCode;
  /** HTTP status the server answers with. */
  readonly status: number;
  readonly title: string;
  readonly message: string;
}

/** The error catalog (docs/contract.md), in core order. */
export declare const catalog: ReadonlyArray<CatalogEntry>;
/** The entry of one code, or undefined. */
export declare function catalogEntry(code: string): CatalogEntry | undefined;
/** The JSON error body {code, title, message[, fields]} of a catalog code; throws TypeError for an unknown code. */
export declare function errorBody(code: ErrorCode, fields?: Record<string, string>): ErrorBody;
