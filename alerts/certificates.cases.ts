/** promtool unit-test scenarios for alerts/certificates.ts (default durations). promtool's clock starts at Unix 0. */
import { gauge, series, type DomainCases } from "./promtool-harness";

const DAY = 86_400;
const CERT = { job: "cert-manager", namespace: "shop", name: "api-tls", issuer_name: "letsencrypt", issuer_kind: "ClusterIssuer", issuer_group: "cert-manager.io" };
const EXPIRY = "certmanager_certificate_expiration_timestamp_seconds";
const READY = "certmanager_certificate_ready_status";

export const certificateCases: DomainCases = {
  firing: [
    {
      alert: "CertificateExpiringSoon",
      // Expires 14 d + 1 h after Unix 0: within 14 days from minute 61; renewed at minute 131.
      name: "expiry within 14 days from minute 61, renewed at minute 131",
      value: 14 * DAY + 3600 - 121 * 60,
      series: [series(EXPIRY, CERT, gauge([131, 14 * DAY + 3600], [20, 104 * DAY]))],
      onset: 61,
      labels: { namespace: "shop", name: "api-tls", severity: "warning" },
      resolvedAt: 131,
    },
    {
      alert: "CertificateNotReady",
      name: "Ready=False until minute 20",
      series: [
        series(READY, { ...CERT, condition: "False" }, gauge([21, 1], [10, 0])),
        series(READY, { ...CERT, condition: "True" }, gauge([21, 0], [10, 1])),
        series(READY, { ...CERT, condition: "Unknown" }, gauge([31, 0])),
      ],
      onset: 0,
      labels: { namespace: "shop", name: "api-tls", severity: "warning" },
      resolvedAt: 21,
    },
  ],
  silent: [
    {
      alert: "CertificateExpiringSoon",
      name: "expiry more than 14 days away until minute 180; a certificate without expiry (0) is ignored",
      series: [
        series(EXPIRY, CERT, gauge([181, 14 * DAY + 3 * 3600])),
        series(EXPIRY, { ...CERT, name: "pending-tls" }, gauge([181, 0])),
      ],
      at: [61, 121, 180],
    },
    {
      alert: "CertificateNotReady",
      name: "Ready=True",
      series: [
        series(READY, { ...CERT, condition: "False" }, gauge([31, 0])),
        series(READY, { ...CERT, condition: "True" }, gauge([31, 1])),
        series(READY, { ...CERT, condition: "Unknown" }, gauge([31, 0])),
      ],
      at: [10, 30],
    },
  ],
};
