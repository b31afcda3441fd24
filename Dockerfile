# One image for every service of docker-compose.yml: the gateway (ROLE=all|api|worker), the
# portal simulator and the lienthong CLI. TypeScript is compiled in the first stage; the runtime
# stage has production dependencies only (no tsx, no esbuild, no compiler).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY simulator ./simulator
COPY cli ./cli
COPY data ./data
# The Lua scripts are read at start-up from next to the compiled store (src/store/lua-script.ts).
RUN npx tsc -p tsconfig.build.json && cp -r data dist/data && cp -r src/web/views src/web/public dist/src/web/ && cp -r src/store/lua dist/src/store/

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY cli/lienthong.mjs ./cli/lienthong.mjs
COPY docker/healthcheck.mjs ./docker/healthcheck.mjs
# The OpenAPI document's request examples are the fixtures' samples (src/http/plugins/openapi-bodies.ts).
COPY fixtures ./fixtures
RUN ln -s /app/cli/lienthong.mjs /usr/local/bin/lienthong
# The clients file (API key hashes) comes from a volume at run time: see docs/operations.md.
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --retries=3 CMD ["node", "docker/healthcheck.mjs"]
CMD ["node", "dist/src/server.js"]
