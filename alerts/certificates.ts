/**
 * cert-manager alerts: a certificate close to expiry (renewal has failed, since
 * cert-manager renews well before) and a certificate that is not ready.
 */
import { alertRule, durationSeconds, resolveDomain, type DomainSpec } from "./options";
import type { AlertOptions, RuleGroup } from "./types";

/** Durations of the certificate alerts, with their defaults. */
export const CERTIFICATES_SPEC = {
  prefix: "cert",
  runbook: "certificates",
  thresholds: {},
  durations: {
    "cert.expiry.within": { default: "14d", description: "alert when a certificate expires within this time" },
    "cert.expiry.for": { default: "1h", allowZero: true, description: "how long the expiry condition must hold" },
    "cert.notReady.for": { default: "10m", allowZero: true, description: "how long a certificate must stay not ready" },
  },
  selectors: {},
} as const satisfies DomainSpec<never, string, never>;

/** Alert rules for cert-manager certificates. */
export function certificateRuleGroups(opts: AlertOptions): RuleGroup[] {
  const r = resolveDomain(CERTIFICATES_SPEC, opts);
  const d = r.durations;
  const within = d["cert.expiry.within"];
  return [
    {
      name: "platform.certificates",
      rules: [
        alertRule({
          alert: "CertificateExpiringSoon",
          expr: `max by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds > 0) - time() < ${durationSeconds(within)}`,
          for: d["cert.expiry.for"],
          severity: "warning",
          summary: "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in {{ $value | humanizeDuration }}",
          description: `Certificate {{ $labels.name }} in {{ $labels.namespace }} expires in {{ $value | humanizeDuration }} (less than ${within}) and cert-manager has not renewed it.`,
          runbookUrl: r.runbookUrl("CertificateExpiringSoon"),
        }),
        alertRule({
          alert: "CertificateNotReady",
          expr: `max by (namespace, name) (certmanager_certificate_ready_status{condition!="True"}) == 1`,
          for: d["cert.notReady.for"],
          severity: "warning",
          summary: "Certificate {{ $labels.namespace }}/{{ $labels.name }} is not ready",
          description: "cert-manager reports certificate {{ $labels.name }} in {{ $labels.namespace }} as not ready: issuance or renewal is failing, and TLS may serve an old or missing certificate.",
          runbookUrl: r.runbookUrl("CertificateNotReady"),
        }),
      ],
    },
  ];
}
