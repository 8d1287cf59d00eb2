import { MemoryStore } from '../../src/store/memory.js';
import { moderationContract } from '../contracts/moderation-contract.js';
import { accountsContract } from '../contracts/accounts-contract.js';
import { storeContract } from '../contracts/store-contract.js';

// No `reopen`: a memory store cannot outlive its process, so that one case is skipped by design.
storeContract('memory', { create: async () => new MemoryStore() });
// No `reopen`, no `sameData`: memory is one process's, so those cases are skipped by design.
accountsContract('memory', { create: async () => new MemoryStore() });
// No `reopen`: memory cannot outlive its process.
moderationContract('memory', { create: async () => new MemoryStore() });
