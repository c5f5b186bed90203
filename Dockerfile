# syntax=docker/dockerfile:1
# Build: compile TypeScript and generate the Prisma client, then keep only production modules.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
# The Stripe emulator: a dev dependency (file:packages/stripe-emulator) that the lockfile names, so
# `npm ci` needs its folder; it is pruned below and never reaches the run stage.
COPY packages ./packages
# postinstall runs `prisma generate`, which needs no network (see README: offline Prisma).
RUN npm ci
COPY src ./src
COPY scripts ./scripts
COPY public ./public
RUN npm run build && npm prune --omit=dev
# Proof that production holds no emulator: not installed, not importable, not compiled into dist/
# (its modules' log lines would be there). `npm run test:production` runs the same checks without Docker.
RUN test ! -e node_modules/stripe-emulator \
  && ! node --input-type=module -e "await import('stripe-emulator')" 2>/dev/null \
  && ! grep -rqs 'stripe emulator listening' dist \
  && test ! -e dist/packages

# Run: non-root, no build tools, migrations applied by the service itself before it listens.
FROM node:20-bookworm-slim
# Fewer glibc malloc arenas: Node serves from one thread, and the default arena count only
# fragments memory (measured: about 13 MB less at rest, see BENCHMARKS.md).
# Memory at rest: glibc keeps what start-up freed (module sources, compiler scratch) unless told to
# give back anything over 128 KB at the top of its heap and to map big blocks on their own; V8's
# young generation grows to 2 x 16 MB semi-spaces during start-up and stays there, so it is capped
# at 4 MB. Measured together (BENCH_ONLY=rest,startup, 3 runs): RSS at rest 200 -> 162 MB,
# start-up and pledge throughput unchanged within the machine's noise.
# WebAssembly tier-up is off too (about 35 MB less at rest), set by src/wasm-tiering.ts itself, not
# here, so every way of starting the service runs the same.
ENV NODE_ENV=production PORT=3000 MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072 MALLOC_MMAP_THRESHOLD_=131072 \
  NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/public ./public
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# main applies pending migrations (offline, through Prisma's WebAssembly schema engine), then listens.
CMD ["node", "dist/src/main.js"]
