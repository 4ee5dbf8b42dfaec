# syntax=docker/dockerfile:1
# One image for the four services (collector, aggregator, scheduler, api); the command picks one.
# The services run their TypeScript through tsx (a runtime dependency), which also resolves the
# workspace's @exgate/* path aliases from tsconfig.json: no separate build output to keep in step.

FROM node:20-slim AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Production dependencies only. chdb (the embedded ClickHouse engine, ~0.5 GB) comes along: the
# store library links it, and the same image can run the embedded mode (EXGATE_STORE=chdb).
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

FROM node:20-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    OPS_PORT=9464 \
    LOG_LEVEL=info
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json tsconfig.base.json ./
COPY proto ./proto
COPY libs ./libs
COPY services ./services
USER node
EXPOSE 8080 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.OPS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 and the services handle SIGTERM themselves (flush, commit, drain).
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["services/api/src/main.ts"]
