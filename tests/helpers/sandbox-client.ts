import { expect } from "vitest";
import type { TestApp } from "./test-runtime.ts";

export interface Persona {
  channel: "tg" | "vb";
  id: string;
  name: string;
  language: "en" | "my";
}
export type Item = {
  id: number;
  text: string;
  photo?: string;
  buttons: Array<Array<{ label: string; data?: string }>>;
};

let n = 0;

/** Talks to the sandbox API the way the sandbox page does: events in, outbox items back. */
export function sandboxClient(t: () => TestApp) {
  const say = async (persona: Persona, event: Record<string, unknown>): Promise<Item[]> => {
    const response = await t().app.inject({
      method: "POST",
      url: "/sandbox/api/events",
      payload: { persona, eventId: `sb-${++n}-${Date.now()}`, event },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ items: Item[] }>().items;
  };
  const button = (items: Item[], label: string | RegExp): string => {
    const found = items
      .flatMap((item) => item.buttons.flat())
      .find((candidate) => (typeof label === "string" ? candidate.label === label : label.test(candidate.label)))?.data;
    if (found === undefined)
      throw new Error(`no "${String(label)}" in ${JSON.stringify(items.map((item) => item.text))}`);
    return found;
  };
  return {
    say,
    button,
    press: (persona: Persona, items: Item[], label: string | RegExp) =>
      say(persona, { kind: "button", data: button(items, label) }),
    /** Everything a persona's chat holds, including notifications pushed by the workers. */
    outbox: async (persona: Persona): Promise<Item[]> =>
      (
        await t().app.inject({
          method: "GET",
          url: `/sandbox/api/messages?chat=${persona.channel}:${persona.id}&after=0`,
        })
      ).json<{ items: Item[] }>().items,
  };
}
