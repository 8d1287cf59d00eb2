// The Store port belongs to the core (src/core/ports/store.ts); implementations import it here.
export * from '../core/ports/store.js';
