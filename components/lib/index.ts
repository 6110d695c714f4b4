export * from "./labels";
export * from "./errors";
export * from "./quantities";
export * from "./deps";
export * from "./transform";
export * from "./helm";
