export * from "./cluster-services";
export * from "./versions";
