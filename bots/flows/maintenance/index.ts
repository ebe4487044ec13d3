import type { Feature } from "../../engine/feature.ts";
import { maintenanceAction } from "./maintenance-action.ts";

/** Owners plan maintenance windows; the engine answers people with the notice while one is in force. */
export const maintenanceFeature: Feature = {
  id: "maintenance",
  actions: [maintenanceAction],
  adminCommands: [{ command: "maintenance", action: "maintenance", gate: "roles" }],
};
