import { MemoryNames } from '../../src/core/ports/names-memory.js';
import { namesContract } from '../contracts/names-contract.js';

// In one process, "two nodes" share one MemoryNames instance.
namesContract('memory', async () => {
  const names = new MemoryNames();
  return { a: names, b: names, close: () => names.close() };
});
