export * from "./catalog";
export * from "./secrets";
