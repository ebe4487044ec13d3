import type { Button } from "./contract.ts";

/** Lays buttons out two per row (long pickers such as categories and regions; Viber shows them as half-width keys). */
export function twoPerRow(buttons: Button[]): Button[][] {
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}
