/**
 * Pinned images of the Redis component. Bump deliberately: a new image restarts
 * every pod of the StatefulSet (one at a time; in Sentinel mode each restart of
 * the primary is a failover).
 */

/**
 * Redis Open Source 8.10.1 (Debian trixie), the Docker official image. Licence
 * RSALv2 / SSPLv1 / AGPLv3 (tri-licence since 8.0). Checked upstream: the
 * docker-library official-images `library/redis` file (commit 37079fb3, Aug 2026)
 * lists `Tags: 8.10.1, 8.10, 8, 8.10.1-trixie, ...` from redis/docker-library-redis
 * tag v8.10.1; its Dockerfile creates user `redis` with uid/gid 999 and /data.
 */
export const REDIS_IMAGE = "docker.io/library/redis:8.10.1";

/**
 * Valkey 9.1.2 (Debian trixie), BSD-3-Clause, the Linux Foundation fork of Redis
 * 7.2. Checked upstream: valkey-io/valkey-io.github.io
 * `content/download/releases/v9-1-2.md` (commit 00a5a960) lists the Docker Hub
 * tags `valkey/valkey:9.1.2`, `9.1.2-trixie`, ...; valkey-io/valkey-container's
 * Dockerfile.template creates user `valkey` with uid/gid 999 and /data.
 */
export const VALKEY_IMAGE = "docker.io/valkey/valkey:9.1.2";

/**
 * oliver006/redis_exporter v1.88.0 (scratch image, runs as 59000:59000, port
 * 9121). Checked upstream: git tag v1.88.0 (commit 16db88a0, 2026-07-23) of
 * oliver006/redis_exporter; its release workflow pushes `oliver006/redis_exporter:<tag>`
 * (docker/metadata-action, type=ref,event=tag) to Docker Hub, ghcr.io and quay.io.
 */
export const REDIS_EXPORTER_IMAGE = "docker.io/oliver006/redis_exporter:v1.88.0";

/** What each flavour's image calls its programs (both images also carry redis-* names only for Redis). */
export const FLAVORS = {
  redis: { image: REDIS_IMAGE, server: "redis-server", sentinel: "redis-sentinel", cli: "redis-cli", licence: "RSALv2 / SSPLv1 / AGPLv3" },
  valkey: { image: VALKEY_IMAGE, server: "valkey-server", sentinel: "valkey-sentinel", cli: "valkey-cli", licence: "BSD-3-Clause" },
} as const;

/** The server {@link Redis} runs: Redis or Valkey ({@link FLAVORS}). */
export type RedisFlavor = keyof typeof FLAVORS;

/** uid/gid of the `redis` / `valkey` user in both official images. */
export const REDIS_UID = 999;
/** uid/gid the exporter image runs as. */
export const EXPORTER_UID = 59000;
