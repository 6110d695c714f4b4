export * from "./args";
export * from "./workload";
