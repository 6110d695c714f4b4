export * from "./labels";
export * from "./errors";
export * from "./quantities";
