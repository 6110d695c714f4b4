/**
 * CloudNativePG custom monitoring queries: the slowest statements from
 * pg_stat_statements, which CloudNativePG's default queries don't export. The
 * instance manager runs them on the primary and exposes each column as
 * `cnpg_<query>_<column>` on port 9187 (e.g.
 * `cnpg_pg_stat_statements_top_total_exec_seconds`).
 */
import { dump } from "js-yaml";

/** Key of the queries in the ConfigMap. */
export const CUSTOM_QUERIES_KEY = "queries.yaml";

/** How many statements are exported (by total execution time): bounded label cardinality. */
export const TOP_STATEMENTS = 20;

export interface CustomQuery {
  readonly query: string;
  readonly primary: boolean;
  readonly target_databases: readonly string[];
  readonly metrics: readonly Record<string, { readonly usage: "LABEL" | "COUNTER" | "GAUGE"; readonly description: string }>[];
}

/** The queries, keyed by query name (the metric prefix after `cnpg_`). */
export function customQueries(database: string): Record<string, CustomQuery> {
  return {
    pg_stat_statements_top: {
      query: [
        "SELECT d.datname AS datname,",
        "       s.queryid::text AS queryid,",
        "       left(regexp_replace(s.query, '\\s+', ' ', 'g'), 120) AS query,",
        "       s.calls AS calls,",
        "       s.total_exec_time / 1000.0 AS total_exec_seconds,",
        "       s.mean_exec_time / 1000.0 AS mean_exec_seconds,",
        "       s.rows AS rows",
        "FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid",
        "WHERE s.queryid IS NOT NULL",
        `ORDER BY s.total_exec_time DESC LIMIT ${TOP_STATEMENTS}`,
      ].join("\n"),
      // The view is cluster-wide; one database that has the extension is enough.
      primary: true,
      target_databases: [database],
      metrics: [
        { datname: { usage: "LABEL", description: "Database" } },
        { queryid: { usage: "LABEL", description: "pg_stat_statements query id" } },
        { query: { usage: "LABEL", description: "Statement text, first 120 characters" } },
        { calls: { usage: "COUNTER", description: "Times the statement ran" } },
        { total_exec_seconds: { usage: "COUNTER", description: "Total execution time of the statement" } },
        { mean_exec_seconds: { usage: "GAUGE", description: "Mean execution time of the statement" } },
        { rows: { usage: "COUNTER", description: "Rows retrieved or affected" } },
      ],
    },
  };
}

/** The ConfigMap data the Cluster's `monitoring.customQueriesConfigMap` points at. */
export function customQueriesYaml(database: string): string {
  return dump(customQueries(database), { lineWidth: -1, noRefs: true });
}
