import { MemoryStore } from '../../src/store/memory.js';
import { storeContract } from '../contracts/store-contract.js';

// No `reopen`: a memory store cannot outlive its process, so that one case is skipped by design.
storeContract('memory', { create: async () => new MemoryStore() });
