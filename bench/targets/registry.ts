import { inspircdSubject, naiveSubject } from './baselines.js';
import { CLUSTER_SHAPES, clusterSubject } from './cluster.js';
import { parleySubject } from './parley.js';
import type { Subject } from './subject.js';

/** Every subject a scenario may name. */
export const SUBJECTS: Readonly<Record<string, Subject>> = {
  'parley-tcp': parleySubject('tcp'),
  'parley-socketio': parleySubject('socketio'),
  'naive-tcp': naiveSubject('tcp'),
  'naive-socketio': naiveSubject('socketio'),
  inspircd: inspircdSubject(),
  ...Object.fromEntries(CLUSTER_SHAPES.map((shape) => [shape.name, clusterSubject(shape)])),
};

/** The subjects of a scenario, filtered by --server (which names servers: parley, naive-tcp, ...). */
export function pickSubjects(names: readonly string[], servers: readonly string[]): Subject[] {
  return names
    .map((name) => SUBJECTS[name])
    .filter((s): s is Subject => s !== undefined)
    .filter((s) => servers.length === 0 || servers.includes(s.server) || servers.includes(s.name));
}
