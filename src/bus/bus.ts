// The Bus port moved into the core (the core owns its ports). Kept so existing imports work;
// import from src/core/ports/bus.ts in new code.
export type { Audience, Bus, BusState, BusSubscription, Envelope } from '../core/ports/bus.js';
