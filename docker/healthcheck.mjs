// Container healthcheck: exit 0 when the URL answers 2xx within 3 s. A file, not `node -e`,
// so compose implementations that re-quote CMD arrays (podman-compose) run it unchanged.
const url = process.argv[2] ?? `http://127.0.0.1:${process.env.PORT ?? 8080}/health/live`
fetch(url, { signal: AbortSignal.timeout(3000) })
  .then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))
