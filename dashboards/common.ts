/**
 * Shared building blocks for the dashboards: the Prometheus datasource
 * variable, template variables, and thin wrappers over the foundation SDK's
 * panel builders so every panel gets a unit, a legend and a datasource the same
 * way. Dashboard modules only describe queries and thresholds.
 */
import * as cog from "@grafana/grafana-foundation-sdk/cog";
import {
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  type Threshold,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
} from "@grafana/grafana-foundation-sdk/dashboard";
import {
  BigValueColorMode,
  BigValueGraphMode,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  StackingConfigBuilder,
  StackingMode,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from "@grafana/grafana-foundation-sdk/common";
import type * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

/** Name of the datasource template variable every dashboard declares. */
export const DATASOURCE_VARIABLE = "datasource";

/** Every panel and variable queries the Prometheus picked in `$datasource`. */
export const PROMETHEUS = Object.freeze({ type: "prometheus", uid: `\${${DATASOURCE_VARIABLE}}` });

/** Tag every dashboard of this library carries, next to its area tag. */
export const PLATFORM_TAG = "platform";

/** One PromQL query of a panel. */
export interface Query {
  readonly expr: string;
  /** Grafana legend template, e.g. `{{service}}`. */
  readonly legend?: string;
}

export function q(expr: string, legend?: string): Query {
  return { expr, legend };
}

export type Steps = readonly Threshold[];

/** Green below `warn`, orange from `warn`, red from `crit` (omit `warn` for green/red). */
export function steps(crit: number, warn?: number): Steps {
  const s: Threshold[] = [{ value: null, color: "green" }];
  if (warn !== undefined) s.push({ value: warn, color: "orange" });
  s.push({ value: crit, color: "red" });
  return s;
}

/** Red below `crit`, orange below `warn`, green above: for "higher is better" values. */
export function stepsLowIsBad(crit: number, warn?: number): Steps {
  const s: Threshold[] = [{ value: null, color: "red" }];
  if (warn !== undefined) s.push({ value: crit, color: "orange" }, { value: warn, color: "green" });
  else s.push({ value: crit, color: "green" });
  return s;
}

interface PanelCommon {
  readonly title: string;
  readonly description: string;
  /** Grafana unit id: `s`, `reqps`, `percentunit`, `bytes`, `short`, `dtdurations`... */
  readonly unit: string;
  readonly queries: readonly Query[];
  /** Width in grid columns (24 = full width). */
  readonly span: number;
  readonly height?: number;
  readonly thresholds?: Steps;
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
}

/**
 * One Prometheus target. The foundation SDK's own `DataqueryBuilder` is not used: its module
 * (`@grafana/grafana-foundation-sdk/prometheus`, 0.0.21) also loads the dashboard v2 schemas,
 * ~140 modules the render would load for one object of five fields. This builds the same
 * object in the same key order as `defaultDataquery()` + `datasource().expr().legendFormat()`
 * + `instant()`/`range()` of 0.0.21 (test: dashboards/common.test.ts compares the two).
 */
export function promTarget(query: Query, instant: boolean): cog.Builder<cog.Dataquery> {
  const target: prometheus.Dataquery = { expr: query.expr, _implementsDataqueryVariant: () => {} };
  target.datasource = PROMETHEUS;
  if (query.legend !== undefined) target.legendFormat = query.legend;
  if (instant) {
    target.instant = true;
    target.range = false;
  } else {
    target.range = true;
    target.instant = false;
  }
  return { build: () => target };
}

function targets(queries: readonly Query[], instant: boolean): cog.Builder<cog.Dataquery>[] {
  if (queries.length === 0) throw new Error("a panel needs at least one query");
  return queries.map((query) => promTarget(query, instant));
}

function thresholdsOf(s: Steps): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(s.map((t) => ({ ...t })));
}

export interface TimeseriesArgs extends PanelCommon {
  /** Stack series (e.g. rates by status). @default false */
  readonly stack?: boolean;
}

/** A time series with a table legend; thresholds, when given, are drawn as dashed lines. */
export function timeseriesPanel(a: TimeseriesArgs): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder()
    .title(a.title)
    .description(a.description)
    .datasource(PROMETHEUS)
    .unit(a.unit)
    .span(a.span)
    .height(a.height ?? 8)
    .targets(targets(a.queries, false))
    .lineWidth(1)
    .fillOpacity(a.stack ? 30 : 10)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .calcs(["mean", "max", "lastNotNull"]),
    )
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending));
  if (a.stack) p.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
  if (a.thresholds) {
    p.thresholds(thresholdsOf(a.thresholds)).thresholdsStyle(
      new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed),
    );
  }
  if (a.min !== undefined) p.min(a.min);
  if (a.max !== undefined) p.max(a.max);
  if (a.decimals !== undefined) p.decimals(a.decimals);
  return p;
}

/** A single value (last value of an instant query), coloured by its thresholds. */
export function statPanel(a: PanelCommon): stat.PanelBuilder {
  const p = new stat.PanelBuilder()
    .title(a.title)
    .description(a.description)
    .datasource(PROMETHEUS)
    .unit(a.unit)
    .span(a.span)
    .height(a.height ?? 4)
    .targets(targets(a.queries, true))
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Value)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false))
    .thresholds(thresholdsOf(a.thresholds ?? [{ value: null, color: "green" }]));
  if (a.min !== undefined) p.min(a.min);
  if (a.max !== undefined) p.max(a.max);
  if (a.decimals !== undefined) p.decimals(a.decimals);
  return p;
}

export function row(title: string): RowBuilder {
  return new RowBuilder(title);
}

/** The `$datasource` picker, restricted to Prometheus datasources. */
export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(DATASOURCE_VARIABLE).label("Data source").type("prometheus");
}

/**
 * A multi-value template variable filled by `label_values(<selector>, <label>)`;
 * "All" matches `.*`, so queries use it with `=~`.
 */
export function labelVariable(name: string, label: string, selector: string, labelName: string = name): QueryVariableBuilder {
  const query = `label_values(${selector}, ${labelName})`;
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(".*");
}

export interface DashboardHeader {
  /** Stable uid: Grafana URLs and links depend on it. Never change it. */
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** Area tag, added after `platform`. */
  readonly area: string;
}

/**
 * A dashboard with the library's defaults: UTC, last 6 hours, 30 s refresh,
 * shared crosshair, `$datasource`, and a menu of the other platform dashboards.
 */
export function dashboard(h: DashboardHeader): DashboardBuilder {
  return new DashboardBuilder(h.title)
    .uid(h.uid)
    .description(h.description)
    .tags([PLATFORM_TAG, h.area])
    .timezone("utc")
    .time({ from: "now-6h", to: "now" })
    .refresh("30s")
    .tooltip(DashboardCursorSync.Crosshair)
    .editable()
    .link(
      new DashboardLinkBuilder("Platform dashboards")
        .type(DashboardLinkType.Dashboards)
        .tags([PLATFORM_TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    )
    .withVariable(datasourceVariable());
}

/**
 * Builds and numbers a dashboard: panel ids 1..n in layout order and query
 * refIds A, B, C... per panel, so the output never depends on builder internals.
 */
export function finalize(b: DashboardBuilder): Dashboard {
  const d = b.build();
  let id = 0;
  for (const panel of d.panels ?? []) {
    panel.id = ++id;
    const nested = panel.type === "row" ? (panel as { panels?: { id?: number; targets?: cog.Dataquery[] }[] }).panels ?? [] : [];
    for (const p of [panel, ...nested]) {
      if (p !== panel) p.id = ++id;
      (p as { targets?: (cog.Dataquery & { refId?: string })[] }).targets?.forEach((t, i) => {
        t.refId = String.fromCharCode(65 + i);
      });
    }
  }
  return d;
}
