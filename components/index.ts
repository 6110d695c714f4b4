export * from "./lib";
export * from "./namespace";
export * from "./secrets";
export * from "./workload";
export * from "./monitoring";
export * from "./postgres";
export * from "./redis";
export * from "./edge";
