import type { IdentityMfa, LoaderOverrides, Route, Operation } from './types.js';
export type * from './types.js';

/** Instantiates the core from the wasm embedded in this file; each call gives an independent instance. */
export declare function loadIdentityMfa(overrides?: LoaderOverrides): Promise<IdentityMfa>;
export declare const ROUTES: ReadonlyArray<Route>;
export declare const OPERATIONS: ReadonlyArray<Operation>;
