import { clusterFanout, clusterManyRooms } from './cluster.js';
import { tcpFanout, socketioFanout } from './fanout.js';
import { flood } from './flood.js';
import { idle } from './idle.js';
import { manyRooms } from './many-rooms.js';
import type { Scenario } from './scenario.js';
import { startup } from './startup.js';
import { storage } from './storage.js';

/** Every scenario, in the order `npm run bench` runs them. */
export const SCENARIOS: readonly Scenario[] = [tcpFanout, socketioFanout, manyRooms, idle, storage, startup, clusterFanout, clusterManyRooms, flood];
