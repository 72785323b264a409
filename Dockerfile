# syntax=docker/dockerfile:1
# Image for every `llm-router` command: `docker run IMAGE worker`, `... migrate`, `... report --by day`.
# Stages: `build` compiles the TypeScript once, `deps` installs production dependencies only, and
# `runtime` holds those, dist/ and the data files the commands read (migrations, default tiers,
# examples) — no compiler, no sources, no npm cache — and runs as a numeric non-root user so
# Kubernetes' runAsNonRoot can verify it.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# The build stamps dist/ with its sources' fingerprint (what bin/llm-router.js checks in a checkout).
COPY scripts/source-stamp.mjs ./scripts/
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: forwards SIGTERM/SIGINT/SIGHUP to node (drain, reload) and reaps zombies; without it
# Ctrl-C on `docker run` is ignored by a node PID 1 that has no SIGINT handler (migrate, enqueue, report).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY config ./config
COPY models ./models
COPY examples ./examples
# `llm-router` on PATH too, for `kubectl exec … -- llm-router report`.
RUN ln -s /app/bin/llm-router.js /usr/local/bin/llm-router
# The node image's `node` user; numeric so a runAsNonRoot policy can check it without /etc/passwd.
USER 1000:1000
EXPOSE 9464
# No HEALTHCHECK: the same image runs one-shot commands (migrate, enqueue, report) that serve no port;
# Kubernetes ignores HEALTHCHECK and uses the probes in deploy/k8s; docker-compose.yml checks the worker.
ENTRYPOINT ["/usr/bin/tini", "--", "llm-router"]
CMD ["worker"]
