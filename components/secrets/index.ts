export * from "./catalog";
export * from "./secrets";
export * from "./rotation";
