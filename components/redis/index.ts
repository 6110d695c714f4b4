export * from "./args";
export * from "./connection";
export * from "./files";
export * from "./monitoring";
export * from "./network";
export * from "./redis";
export * from "./spec";
export * from "./versions";
