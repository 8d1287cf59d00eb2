import { LocalBus } from '../../src/bus/local.js';
import { busContract } from '../contracts/bus-contract.js';

// In one process, "two nodes" share one LocalBus instance.
busContract('local (in-process)', async () => {
  const bus = new LocalBus();
  return { a: bus, b: bus, close: () => bus.close() };
});
