/**
 * The master realm's two admin credentials, kept equal to their Secrets by the realm Job.
 *
 * Keycloak creates its bootstrap admin (user `admin`, Secret keycloak-admin) on its first start
 * only (Keycloak 26.5 QuarkusKeycloakApplication.createTemporaryAdmin runs when the master realm is
 * created), so a rotated Secret never reaches the stored user by itself, and whoever logs in with
 * the new value is refused. Two credentials break that circle: the admin user and a service
 * client of the master realm (`ADMIN_CLIENT_ID`, Secret keycloak-admin-client, the master `admin`
 * role). The Job's first container logs in with whichever of the two Keycloak still accepts and
 * writes the Secret's current value of the other one; then both are proven, and keycloak-config-cli
 * logs in as the client. So either one may be rotated by itself; both in one `pulumi up` leaves
 * nothing to log in with (the container says so and fails; docs/runbooks/keycloak.md).
 *
 * The container is the server image's own kcadm.sh (Keycloak 26.5.5 `kcadm.sh config credentials`
 * reads the password from KC_CLI_PASSWORD and the client secret from KC_CLI_CLIENT_SECRET, and
 * `set-password` the new password from KC_CLI_PASSWORD): no secret is ever on a command line.
 * test/keycloak/admin-rotation.test.ts runs this script, as rendered, against a real server.
 */
import type { ResolvedKeycloakArgs } from "./args";
import { KEYCLOAK_FACTS } from "./facts";

type Obj = Record<string, unknown>;

/** Client id of the master realm's service client the realm Job logs in as. */
export const ADMIN_CLIENT_ID = "platform-realm-job";

/** How long the Job waits for a server that accepts one of the credentials (a rolling restart): attempts × seconds. */
export const ADMIN_LOGIN_WAIT = { attempts: 30, seconds: 10 } as const;

/**
 * The script of the admin-credentials container (bash, in the Keycloak image). Everything it
 * needs comes from its environment (`adminCredentialsEnv`), so a test runs it unchanged.
 */
export const ADMIN_CREDENTIALS_SCRIPT = String.raw`set -euo pipefail
say() { echo "admin-credentials: $*" >&2; }
kcadm() { "$KCADM" "$@" --config "$KCADM_CONFIG" --truststore "$TRUSTSTORE"; }
# Each login replaces the session in $KCADM_CONFIG; its error goes to $err.
as_client() { err=$(KC_CLI_CLIENT_SECRET="$ADMIN_CLIENT_SECRET" kcadm config credentials --server "$KEYCLOAK_URL" --realm master --client "$ADMIN_CLIENT_ID" 2>&1); }
as_admin() { err=$(KC_CLI_PASSWORD="$ADMIN_PASSWORD" kcadm config credentials --server "$KEYCLOAK_URL" --realm master --user "$ADMIN_USERNAME" --client admin-cli 2>&1); }
# The client secret goes into a JSON document: the catalogue generates letters and digits only.
[[ "$ADMIN_CLIENT_SECRET" =~ ^[A-Za-z0-9]+$ ]] || { say "the secret of $ADMIN_CLIENT_ID must be letters and digits"; exit 1; }
via=""
for ((i = 1; i <= LOGIN_ATTEMPTS; i++)); do
  if as_client; then via=client; break; fi
  client_err=$err
  if as_admin; then via=admin; break; fi
  say "attempt $i/$LOGIN_ATTEMPTS: $ADMIN_CLIENT_ID: $client_err; $ADMIN_USERNAME: $err"
  if ((i < LOGIN_ATTEMPTS)); then sleep "$LOGIN_RETRY_SECONDS"; fi
done
if [[ -z $via ]]; then
  say "Keycloak accepts neither the current secret of $ADMIN_CLIENT_ID nor the current password of $ADMIN_USERNAME: were both rotated in one update? See the Keycloak runbook (admin credentials)."
  exit 1
fi
if [[ $via == client ]]; then
  say "logged in as $ADMIN_CLIENT_ID: setting the password of $ADMIN_USERNAME to its Secret's"
  KC_CLI_PASSWORD="$ADMIN_PASSWORD" kcadm set-password -r master --username "$ADMIN_USERNAME"
else
  say "logged in as $ADMIN_USERNAME: writing the secret of $ADMIN_CLIENT_ID (first run, or its Secret was rotated)"
  id=$(kcadm get clients -r master -q clientId="$ADMIN_CLIENT_ID" --fields id --format csv --noquotes)
  if [[ -z $id ]]; then
    kcadm create clients -r master -f - <<EOF
{"clientId": "$ADMIN_CLIENT_ID", "name": "platform realm Job", "description": "keycloak-config-cli of the platform's realm Job (client credentials); its secret is Secret keycloak-admin-client", "enabled": true, "protocol": "openid-connect", "publicClient": false, "clientAuthenticatorType": "client-secret", "secret": "$ADMIN_CLIENT_SECRET", "serviceAccountsEnabled": true, "standardFlowEnabled": false, "implicitFlowEnabled": false, "directAccessGrantsEnabled": false}
EOF
  else
    kcadm update "clients/$id" -r master -m -f - <<EOF
{"secret": "$ADMIN_CLIENT_SECRET"}
EOF
  fi
  kcadm add-roles -r master --uusername "service-account-$ADMIN_CLIENT_ID" --rolename admin
fi
# Both credentials now hold their Secrets' values: prove it (keycloak-config-cli logs in as the client next).
as_admin || { say "$ADMIN_USERNAME cannot log in with its Secret's password: $err"; exit 1; }
as_client || { say "$ADMIN_CLIENT_ID cannot log in with its Secret: $err"; exit 1; }
say "both credentials match their Secrets"
`;

/** Paths in the container: kcadm.sh of the image, its session file on the writable /tmp, the truststore cert-manager writes. */
export const ADMIN_CREDENTIALS_PATHS = { kcadm: "/opt/keycloak/bin/kcadm.sh", config: "/tmp/kcadm.config" } as const;

/** The container's environment: values, and the three secrets by reference. */
export function adminCredentialsEnv(a: ResolvedKeycloakArgs, truststore: { path: string; password: string }): Obj[] {
  return [
    { name: "KEYCLOAK_URL", value: `https://${a.serviceHost}:${KEYCLOAK_FACTS.ports.https.port}` },
    { name: "ADMIN_USERNAME", valueFrom: { secretKeyRef: { name: a.bootstrapAdmin.secretName, key: "username" } } },
    { name: "ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: a.bootstrapAdmin.secretName, key: "password" } } },
    { name: "ADMIN_CLIENT_ID", value: ADMIN_CLIENT_ID },
    { name: "ADMIN_CLIENT_SECRET", valueFrom: { secretKeyRef: { name: a.adminClient.secretName, key: a.adminClient.key } } },
    { name: "KCADM", value: ADMIN_CREDENTIALS_PATHS.kcadm },
    { name: "KCADM_CONFIG", value: ADMIN_CREDENTIALS_PATHS.config },
    { name: "TRUSTSTORE", value: truststore.path },
    // Not a secret: the PKCS#12 truststore holds only the public CA (spec.ts TRUSTSTORE_PASSWORD).
    { name: "KC_CLI_TRUSTSTORE_PASSWORD", value: truststore.password },
    { name: "LOGIN_ATTEMPTS", value: String(ADMIN_LOGIN_WAIT.attempts) },
    { name: "LOGIN_RETRY_SECONDS", value: String(ADMIN_LOGIN_WAIT.seconds) },
    // kcadm.sh's JVM on the read-only root: home and temp files on /tmp.
    { name: "HOME", value: "/tmp" },
  ];
}
