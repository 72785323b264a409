# syntax=docker/dockerfile:1
# Build: compile TypeScript once; run: production dependencies and dist/ only, as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY migrations ./migrations
COPY config ./config
COPY examples ./examples
USER node
EXPOSE 9464
ENTRYPOINT ["node", "/app/bin/llm-router.js"]
CMD ["worker"]
