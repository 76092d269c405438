export interface CatalogEntry {
  /** "IDE-0001" … */
  readonly code: string;
  /** HTTP status the server answers with. */
  readonly status: number;
  readonly title: string;
  readonly message: string;
}

/** The error catalog of CONTRACT §4, in core order. */
export declare const catalog: ReadonlyArray<CatalogEntry>;
/** The entry of one code, or undefined. */
export declare function catalogEntry(code: string): CatalogEntry | undefined;
