/**
 * The cert-manager Certificate of a data component's own server (Redis, RabbitMQ, Keycloak):
 * issued by the stack's issuer for the component's in-cluster DNS names, 90 days, renewed 30 days
 * ahead, an ECDSA P-256 key replaced at every renewal. Pure.
 */

/** A cert-manager issuer a component's certificate comes from. */
export interface CertificateIssuerRef {
  readonly name: string;
  readonly kind: "Issuer" | "ClusterIssuer";
}

/** cert-manager Certificate `spec` of an in-cluster server; `extra` adds fields such as `keystores`. */
export function serverCertificateSpec(a: {
  readonly secretName: string;
  readonly issuer: CertificateIssuerRef;
  readonly dnsNames: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly usages?: readonly string[];
  readonly extra?: Readonly<Record<string, unknown>>;
}): Record<string, unknown> {
  return {
    secretName: a.secretName,
    issuerRef: { name: a.issuer.name, kind: a.issuer.kind, group: "cert-manager.io" },
    dnsNames: [...a.dnsNames],
    ...(a.ipAddresses ? { ipAddresses: [...a.ipAddresses] } : {}),
    duration: "2160h",
    renewBefore: "720h",
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
    usages: [...(a.usages ?? ["server auth"])],
    ...(a.extra ?? {}),
  };
}
