export * from "./namespace";
