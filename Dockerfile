# sigmirror's image:  docker build -t sigmirror .   (docs/install.md, "Docker")
# There is no Docker engine in CI: test/integration/ops/dockerfile.test.ts replays these steps
# (it knows each RUN command used here; teach it any new one).

# Build: compile TypeScript with the dev dependencies.
FROM node:20-slim AS build
WORKDIR /build
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY workers ./workers
RUN npm run build

# Runtime: production dependencies, the compiled program, the config; runs as the node user.
FROM node:20-slim
# MALLOC_MMAP_THRESHOLD_: glibc returns freed blocks of 4 KiB and more to the kernel at once,
# 30-40 MB less RSS for serve after a cold scan (docs/benchmarks.md §Scale), as the systemd units.
ENV NODE_ENV=production \
    SIGMIRROR_CONFIG=/etc/sigmirror/sigmirror.yaml \
    MALLOC_MMAP_THRESHOLD_=4096
WORKDIR /usr/lib/sigmirror
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /build/dist/src ./dist/src
COPY --from=build /build/dist/workers ./dist/workers
COPY config ./config
COPY config/docker.yaml /etc/sigmirror/sigmirror.yaml
COPY config/registries.d /etc/sigmirror/registries.d
RUN ln -s /usr/lib/sigmirror/dist/src/cli/main.js /usr/local/bin/sigmirror \
    && mkdir -p /var/lib/sigmirror/store \
    && chown -R node:node /var/lib/sigmirror
USER node
# The store (signatures and metadata) and the config (sigmirror.yaml, registries.d, tokens).
VOLUME ["/var/lib/sigmirror", "/etc/sigmirror"]
EXPOSE 8080
# node:20-slim has no curl: node's fetch. The port follows SIGMIRROR_LISTEN_PORT when set.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.SIGMIRROR_LISTEN_PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The young-generation cap of the CLI's shebang (src/cli/main.ts): 25-30 MB less RSS.
ENTRYPOINT ["node", "--max-semi-space-size=2", "/usr/lib/sigmirror/dist/src/cli/main.js"]
CMD ["serve", "--config", "/etc/sigmirror/sigmirror.yaml"]
