export * from "./lib";
export * from "./namespace";
export * from "./secrets";
export * from "./workload";
