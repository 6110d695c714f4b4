export * from "./alertmanager-config";
export * from "./args";
export * from "./monitoring";
export * from "./monitors";
export * from "./rules";
export * from "./selectors";
export * from "./values";
export * from "./versions";
