# syntax=docker/dockerfile:1
#
# The kyverno-ts image: the `kyverno` command line (`kyverno serve` is what the Helm chart runs) as one
# bundled JavaScript file on a small Node 20 base.
#
#   docker build -t kyverno-ts:0.1.0 .
#   docker run --rm -v "$PWD/policies:/p:ro" kyverno-ts:0.1.0 test /p/pod-security
#
# Stage `build` installs the dependencies and bundles src/cli/main.ts with esbuild through
# scripts/bundle.ts, the same bundle CI builds and smoke-tests (test/packaging). Stage `runtime` holds
# node and that single file: no npm, no node_modules, no shell scripts of ours. It runs as a numeric
# non-root user (65532, the user the chart's securityContext names) and writes nothing outside /tmp,
# so the root filesystem can be mounted read-only.

ARG NODE_VERSION=20.20.2

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the package's own `prepare` (tsc) is not wanted here, and esbuild runs without its postinstall
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY scripts/bundle.ts ./scripts/bundle.ts
RUN node --import tsx scripts/bundle.ts --outfile /out/kyverno.cjs \
 && node /out/kyverno.cjs version

FROM node:${NODE_VERSION}-alpine AS runtime
LABEL org.opencontainers.image.title="kyverno-ts" \
      org.opencontainers.image.description="Kubernetes-native policy engine compatible with Kyverno v1.19" \
      org.opencontainers.image.licenses="Apache-2.0"
# package managers are not needed at run time
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
COPY --from=build --chown=0:0 --chmod=0444 /out/kyverno.cjs /opt/kyverno/kyverno.cjs
ENV NODE_ENV=production \
    HOME=/tmp \
    TMPDIR=/tmp
WORKDIR /tmp
USER 65532:65532
# 9443: admission webhooks (HTTPS), 8000: metrics
EXPOSE 9443 8000
ENTRYPOINT ["node", "/opt/kyverno/kyverno.cjs"]
CMD ["--help"]
