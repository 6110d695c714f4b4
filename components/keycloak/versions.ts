/**
 * Pinned versions of the Keycloak pieces. Server, operator and keycloak-config-cli move
 * together: config-cli images are built per Keycloak server version.
 *
 * - Server and operator 26.5.5: the newest Keycloak a keycloak-config-cli build targets.
 *   keycloak-config-cli's main branch after v6.5.0 (pom.xml `keycloak.version` 26.5.5, CI
 *   matrix KEYCLOAK_VERSION 26.5.5) is released as image tag `6.5.1-26.5.5`; v6.5.0 was
 *   built for 26.5.4 (`6.5.0-26.5.4`). Newer servers (26.6, 26.7) have no config-cli build.
 * - The server distribution for the real-server test comes from Maven Central
 *   (`org.keycloak:keycloak-quarkus-dist:26.5.5:zip`, scripts/keycloak.sh; a test checks both pins agree).
 */

/** Keycloak server and operator version. Keep scripts/keycloak.sh KEYCLOAK_VERSION in step. */
export const KEYCLOAK_VERSION = "26.5.5";

/** The server image the operator runs (the operator's default image for its own version). */
export const KEYCLOAK_IMAGE = `quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}`;

/** keycloak-config-cli release (its images are tagged `<release>-<server version>`). */
export const CONFIG_CLI_VERSION = "6.5.1";
/** keycloak-config-cli built against Keycloak 26.5.5 (Docker Hub `adorsys/keycloak-config-cli`). */
export const CONFIG_CLI_IMAGE = `docker.io/adorsys/keycloak-config-cli:${CONFIG_CLI_VERSION}-${KEYCLOAK_VERSION}`;

/**
 * The operator's release manifests (keycloak/keycloak-k8s-resources, tag = Keycloak version,
 * folder kubernetes/): the two CRDs and the operator's Deployment + RBAC (`kubernetes.yml`,
 * applied to the namespace it is installed in).
 */
const K8S_RESOURCES = `https://raw.githubusercontent.com/keycloak/keycloak-k8s-resources/${KEYCLOAK_VERSION}/kubernetes`;
/** The operator's pinned release manifests: the two CRDs and its Deployment + RBAC. */
export const OPERATOR_MANIFESTS = {
  keycloakCrd: `${K8S_RESOURCES}/keycloaks.k8s.keycloak.org-v1.yml`,
  realmImportCrd: `${K8S_RESOURCES}/keycloakrealmimports.k8s.keycloak.org-v1.yml`,
  operator: `${K8S_RESOURCES}/kubernetes.yml`,
} as const;

/**
 * API version of the Keycloak CR. `k8s.keycloak.org/v2alpha1`, not v2beta1: the operator's
 * `Constants.CRDS_VERSION` is `v2alpha1` on the 26.x line read here, and every 26.x operator
 * serves it. A v2beta1 package (`operator/.../crds/v2beta1`, `storage = true`) exists in later
 * operator sources, but whether the 26.5.5 CRD already serves it could not be checked on this
 * machine (the operator is not on Maven Central and no 26.5.5 copy of its release manifests was
 * readable), and a CR in an unserved version is rejected outright. Move to v2beta1 with the server
 * bump past 26.5 (the fields used here are the same in both).
 */
export const KEYCLOAK_API_VERSION = "k8s.keycloak.org/v2alpha1";
