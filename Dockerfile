# The Fargate image: the container server (container/) running the project's Lambda handler.
# Build: docker build --network host -t lambda2fargate .    (the builder stage runs npm ci)
# Run:   docker run --network host -e PORT=3000 lambda2fargate
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-slim AS build
ARG NODE_VERSION
WORKDIR /src
# Dependencies first: source edits reuse this layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY lambda/ lambda/
COPY container/ container/
# One file per entry point, dependencies (express) inlined; the handler is loaded at runtime via
# HANDLER, exactly as in development. The banner gives bundled CommonJS a require().
RUN npx esbuild container/server.ts --bundle --platform=node --target=node${NODE_VERSION} --format=esm \
      --minify-whitespace --minify-syntax --keep-names --legal-comments=none \
      --banner:js="import { createRequire as __l2fRequire } from 'node:module'; const require = __l2fRequire(import.meta.url);" \
      --outfile=/out/server.mjs \
 && npx esbuild lambda/handler.ts --bundle --platform=node --target=node${NODE_VERSION} --format=esm \
      --minify-whitespace --minify-syntax --keep-names --legal-comments=none \
      --outfile=/out/lambda/handler.mjs

FROM node:${NODE_VERSION}-slim
ENV NODE_ENV=production \
    HANDLER=lambda/handler.handler \
    PORT=3000
WORKDIR /app
COPY --from=build /out/ ./
# Handlers brought in by `make init CODE=1` (functions/<name>/, HANDLER=functions/<name>/<file>.<export>),
# copied as Lambda ran them: already built JavaScript with their node_modules.
COPY functions/ functions/
# ECS defines the health check (GET $HEALTH_PATH, default /healthz); the server handles SIGTERM itself.
USER node
EXPOSE 3000
CMD ["node", "server.mjs"]
