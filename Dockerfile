# Parley as a container image: Node 20 on Debian bookworm.
#
# NOT BUILT where Parley is developed: those machines have no container engine. What the image
# relies on is tested without one (test/integration/deploy-files.test.ts): its settings are real
# Parley settings, the health check below works against a running server, the files it copies
# exist and pass .dockerignore. See README, "Deploying".
#
#   docker build -t parley .
#   docker run -d --name parley -p 3000:3000 -p 4000:4000 -v parley-data:/data \
#     -e JWT_SECRET="$(openssl rand -base64 32)" parley
#   docker exec parley node dist/src/cli.js token --help   # the parley CLI, same settings

ARG NODE_VERSION=20

# ---- build: compile better-sqlite3 and the TypeScript, then drop the dev dependencies -------
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
# Dependencies first, so that a change of source reuses this layer. --ignore-scripts because
# the "prepare" script would build before the sources are copied; better-sqlite3 (the only
# dependency with an install script) is then built on its own, with this image's compilers.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json ./
COPY src ./src
COPY clients ./clients
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: the same Node and Debian, without compilers ----------------------------------
FROM node:${NODE_VERSION}-bookworm-slim
# tini is PID 1: it forwards SIGTERM to Parley (which drains and exits within 5 s) and reaps
# zombies, so `docker run` needs no --init.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The application belongs to root and is read-only to the user that runs it.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY clients/web ./clients/web
RUN mkdir -p /data && chown node:node /data
# NODE_ENV=production makes JWT_SECRET required: the container refuses to start without it.
# No operator console: a container has no terminal on standard input.
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000 \
    TCP_PORT=4000 \
    CONSOLE=false
VOLUME /data
USER node
EXPOSE 3000 4000
# Ready = the store (and Redis, when set) answer and the node is not stopping. The slim image
# has no curl: Node's own fetch asks. Plain HTTP: with TLS_CERT set, replace this check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health/ready', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/src/cli.js"]
CMD ["serve"]
