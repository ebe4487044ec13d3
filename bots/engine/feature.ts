import type { Section } from "../../core/admin/roles.ts";
import { AppError } from "../../core/errors/app-error.ts";
import { actionData } from "./button-data.ts";
import type { Action, Button, Flow, FlowContext } from "./contract.ts";

/** A command every person has; `public` ones are listed in Telegram's command menu. */
export interface FeatureCommand {
  /** Without the slash: `wallet` for `/wallet`. */
  command: string;
  /** The action it runs. */
  action: string;
  public?: boolean;
}

/** An admin command: it exists only for people whose roles allow `gate`, and is listed in their own command menu. */
export interface AdminCommand {
  command: string;
  action: string;
  gate: Section | "any_role";
}

/** One main-menu button. Entries are laid out two to a row in feature order; `wide` takes a row of its own. */
export interface MenuEntry {
  action: string;
  /** The i18next key of the label. */
  label: string;
  wide?: boolean;
  /** Placed after every other entry (Help closes the menu). */
  last?: boolean;
}

/**
 * One feature as one unit (the habit of grammY's composers): its flows, actions, commands, admin commands and main
 * menu entries, exported by `bots/flows/<feature>/index.ts` and installed once, in order, in `create-bot.ts`.
 */
export interface Feature {
  id: string;
  flows?: Flow[];
  actions?: Action[];
  commands?: FeatureCommand[];
  adminCommands?: AdminCommand[];
  menuEntries?: MenuEntry[];
}

/** What the engine and the channels need, derived from the installed features. */
export interface InstalledFeatures {
  flows: Flow[];
  actions: Action[];
  /** Command → action id, admin commands included (the actions' gates decide who may run them). */
  commands: Record<string, string>;
  /** Commands listed for everyone (Telegram's default command menu), `start` first. */
  publicCommands: string[];
  adminCommands: AdminCommand[];
  menu(ctx: FlowContext): Button[][];
}

/** Combines features in the order given; a command or id defined twice is a start-up error, not a silent override. */
export function installFeatures(features: Feature[]): InstalledFeatures {
  const commands: Record<string, string> = {};
  const seen = new Set<string>();
  for (const feature of features)
    for (const { command, action } of [...(feature.commands ?? []), ...(feature.adminCommands ?? [])]) {
      if (seen.has(command))
        throw new AppError("engine_misconfigured", `command /${command} is defined twice (feature ${feature.id})`);
      seen.add(command);
      commands[command] = action;
    }
  const entries = features.flatMap((feature) => feature.menuEntries ?? []);
  const menus = new WeakMap<FlowContext["t"], Button[][]>();
  const ordered = [
    ...entries.filter((entry) => entry.last !== true),
    ...entries.filter((entry) => entry.last === true),
  ];
  return {
    flows: features.flatMap((feature) => feature.flows ?? []),
    actions: features.flatMap((feature) => feature.actions ?? []),
    commands,
    publicCommands: [
      "start",
      ...features.flatMap((feature) => (feature.commands ?? []).filter((c) => c.public === true).map((c) => c.command)),
    ],
    adminCommands: features.flatMap((feature) => feature.adminCommands ?? []),
    menu: (ctx) => {
      // The menu is the same for everyone reading one language (entries are not gated): built once per language.
      const built = menus.get(ctx.t);
      if (built !== undefined) return built;
      const rows: Button[][] = [];
      let open: Button[] | undefined;
      for (const entry of ordered) {
        const button: Button = { label: ctx.t(entry.label), data: actionData(entry.action) };
        if (entry.wide === true) {
          rows.push([button]);
          open = undefined;
        } else if (open !== undefined && open.length < 2) {
          open.push(button);
          if (open.length === 2) open = undefined;
        } else {
          open = [button];
          rows.push(open);
        }
      }
      const frozen = Object.freeze(rows.map((row) => Object.freeze(row) as Button[])) as Button[][];
      menus.set(ctx.t, frozen);
      return frozen;
    },
  };
}
