# syntax=docker/dockerfile:1
# Two images from one build; both run the compiled JavaScript (npm run build), not TypeScript.
#   docker build --target distributed -t exgate:0.1.0 .          the four services; the command picks one
#   docker build --target embedded    -t exgate-embedded:0.1.0 .  everything in one process, with chdb
# The distributed image leaves out the embedded ClickHouse engine (npm chdb, ~0.5 GB): it is an
# optional dependency, loaded only by EXGATE_STORE=chdb and the embedded mode.
# No Docker engine runs in CI: deploy/image/smoke.sh runs these same steps in a clean folder
# (deploy/image/dockerfile.js) and starts what they produce. Keep to the instructions it knows.

FROM node:20-slim AS base
WORKDIR /app
ENV NODE_ENV=production \
    OPS_PORT=9464 \
    LOG_LEVEL=info

# Every dependency (dev tools and chdb's types too), then tsc into dist/ with the @exgate/* links.
# (No npm cache clean: only node_modules and dist leave these stages.)
FROM base AS build
COPY package.json package-lock.json ./
# npm's postinstall patches kafkajs (ADR 0019, twelfth and thirteenth passes).
COPY scripts/patch-kafkajs.js ./scripts/
COPY scripts/kafkajs ./scripts/kafkajs
RUN npm ci --include=dev --no-audit --no-fund --loglevel=error
COPY tsconfig.base.json tsconfig.build.json ./
COPY scripts/build.js ./scripts/
COPY libs ./libs
COPY services ./services
RUN npm run -s build
# An empty folder: the embedded image copies it to /data owned by node (no RUN in that stage).
RUN mkdir -p data

FROM base AS deps-distributed
COPY package.json package-lock.json ./
# npm's postinstall patches kafkajs (ADR 0019, twelfth and thirteenth passes).
COPY scripts/patch-kafkajs.js ./scripts/
COPY scripts/kafkajs ./scripts/kafkajs
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund --loglevel=error

FROM base AS deps-embedded
COPY package.json package-lock.json ./
# npm's postinstall patches kafkajs (ADR 0019, twelfth and thirteenth passes).
COPY scripts/patch-kafkajs.js ./scripts/
COPY scripts/kafkajs ./scripts/kafkajs
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# exgate in one process: in-memory bus, the engine in-process, data under /data. API and health on 8080.
FROM base AS embedded
ENV EXGATE_DATA_DIR=/data \
    API_PORT=8080
COPY --from=deps-embedded /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY --from=build --chown=node:node /app/data /data
VOLUME /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.API_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--enable-source-maps", "--max-semi-space-size=64"]
CMD ["dist/services/exgate/src/main.js"]

# The distributed services (collector, aggregator, scheduler, api); the command names one.
FROM base AS distributed
COPY --from=deps-distributed /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 8080 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.OPS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 and the services handle SIGTERM themselves (flush, commit, drain).
ENTRYPOINT ["node", "--enable-source-maps", "--max-semi-space-size=64"]
CMD ["dist/services/api/src/main.js"]
