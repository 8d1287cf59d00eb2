import { MemoryPresence } from '../../src/core/ports/presence-memory.js';
import { presenceContract } from '../contracts/presence-contract.js';

// In one process, "two nodes" share one MemoryPresence instance.
presenceContract('memory', async () => {
  const presence = new MemoryPresence();
  return { a: presence, b: presence, close: () => presence.close() };
});
