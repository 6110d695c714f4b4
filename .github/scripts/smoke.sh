#!/usr/bin/env bash
# Smoke check after `pulumi up`: every Deployment and StatefulSet of the stack's
# namespace has rolled out, every CloudNativePG Cluster is Ready, and every
# container's HTTP readiness endpoint answers, asked through the API server's
# pod proxy (so nothing has to be public for the check).
#   .github/scripts/smoke.sh <namespace> [timeout]
set -euo pipefail
ns="${1:?usage: smoke.sh <namespace> [timeout]}"
timeout="${2:-600s}"

for kind in deployment statefulset; do
  for obj in $(kubectl -n "$ns" get "$kind" -o name); do
    kubectl -n "$ns" rollout status "$obj" --timeout="$timeout"
  done
done

if kubectl api-resources --api-group=postgresql.cnpg.io -o name | grep -q '^clusters\.'; then
  kubectl -n "$ns" wait --for=condition=Ready clusters.postgresql.cnpg.io --all --timeout="$timeout"
fi

# "<label selector> <port number> <path>" per container with an HTTP readiness probe.
kubectl -n "$ns" get deployments -o json | node -e '
  const list = JSON.parse(require("fs").readFileSync(0, "utf8")).items;
  for (const d of list) {
    const sel = Object.entries(d.spec.selector.matchLabels || {}).map(([k, v]) => `${k}=${v}`).join(",");
    for (const c of d.spec.template.spec.containers) {
      const h = c.readinessProbe && c.readinessProbe.httpGet;
      if (!h) continue;
      const port = typeof h.port === "number" ? h.port : ((c.ports || []).find((p) => p.name === h.port) || {}).containerPort;
      if (port) console.log(`${sel} ${port} ${h.path || "/"}`);
    }
  }' | while read -r selector port path; do
  pod="$(kubectl -n "$ns" get pods -l "$selector" --field-selector=status.phase=Running -o jsonpath='{.items[0].metadata.name}')"
  [ -n "$pod" ] || { echo "smoke: no running pod for $selector" >&2; exit 1; }
  kubectl get --raw "/api/v1/namespaces/$ns/pods/$pod:$port/proxy$path" >/dev/null
  echo "smoke: $pod:$port$path answers"
done
echo "smoke: namespace $ns is healthy"
