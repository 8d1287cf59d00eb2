/** Parley's version, as /api/health reports it; keep in step with package.json. */
export const PARLEY_VERSION = '0.1.0';
