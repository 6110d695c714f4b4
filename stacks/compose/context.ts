import type * as pulumi from "@pulumi/pulumi";
import { RUNBOOK_BASE_URL } from "@readiness/platform";
import type { PlatformNamespace } from "@readiness/platform";
import type { GeneratedSecrets } from "@readiness/platform";
import type { RedisConnection } from "@readiness/platform";
import type { RabbitMqConnection } from "@readiness/platform";
import type { StackConfig } from "../config";

export interface TopologyNode {
  readonly id: string;
  readonly label: string;
}
export interface TopologyEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}
/** Components and their connections, drawn by the render as a Mermaid diagram. */
export interface Topology {
  readonly nodes: TopologyNode[];
  readonly edges: TopologyEdge[];
}

/** What every compose step gets: the validated config, the parent, and the shared pieces. */
export interface PlatformContext {
  readonly cfg: StackConfig;
  readonly parent: pulumi.ComponentResource;
  readonly namespace: PlatformNamespace;
  readonly secrets: GeneratedSecrets;
  readonly topology: Topology;
}

/** How an application reaches its PostgreSQL database. */
export interface DatabaseConnection {
  /** Host name of the pooler (or primary) service. */
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** `kubernetes.io/basic-auth` Secret with `username` and `password`. */
  readonly secretName: string;
  /** Labels of the pods the app connects to (for its egress NetworkPolicy). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Topology node id of the database. */
  readonly node: string;
  /**
   * Where migrations connect: the primary's `-rw` Service as the database owner (never the
   * pooler, which refuses the owner). Absent when the app's database has no runtime role.
   */
  readonly migration?: { readonly host: string; readonly port: number; readonly secretName: string; readonly podLabels: Readonly<Record<string, string>> };
}

export interface DataParts {
  /** Names of the Kubernetes Secrets holding connection details, by purpose. */
  readonly connectionSecrets: Record<string, string>;
  /** The core-api's database, when the stack has one. */
  readonly coreApiDatabase?: DatabaseConnection;
  /** Resources apps must wait for (e.g. the database cluster). */
  readonly ready: pulumi.Resource[];
  /** How the apps reach Redis, when the stack has one. */
  readonly redis?: RedisConnection;
  /** How core-api reaches its RabbitMQ vhost, when the stack has a broker. */
  readonly rabbitmq?: RabbitMqConnection;
}

/** Cluster-wide services this stack installs (or relies on, when it doesn't own the cluster). */
export interface ClusterParts {
  /**
   * Operators and CRDs (CloudNativePG, Barman Cloud plugin, cert-manager) that
   * custom resources must wait for; empty when the stack uses the cluster's own.
   */
  readonly ready: pulumi.Resource[];
  /** Namespace of cert-manager when this stack installs it (its metrics feed the certificate alerts). */
  readonly certManagerNamespace?: string;
}

export interface MonitoringParts {
  readonly urls: Record<string, string>;
  /** Namespace Prometheus runs in (allowed to scrape workloads). */
  readonly monitoringNamespace: string;
  /**
   * What ServiceMonitor / PodMonitor / PrometheusRule objects must wait for
   * (the prometheus-operator CRDs); empty when the stack uses the cluster's own.
   */
  readonly crdsReady: pulumi.Resource[];
  /** The monitoring stack itself (what a route to Grafana waits for); empty when the stack uses the cluster's. */
  readonly ready?: pulumi.Resource[];
}

/** The `monitoring` args of a data component (PostgreSQL, Redis, RabbitMQ) from the stack's alert settings. */
export function componentMonitoring(cfg: StackConfig, namespace: string): { runbookBaseUrl: string; thresholds: Readonly<Record<string, number>>; durations: Readonly<Record<string, string>>; namespace: string } {
  const a = cfg.settings.monitoring.alerts;
  return { runbookBaseUrl: a.runbookBaseUrl ?? RUNBOOK_BASE_URL, thresholds: a.thresholds, durations: a.durations, namespace };
}
