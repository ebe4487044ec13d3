import type { FlowContext, Reply, Step } from "../../engine/contract.ts";

/** A review queue's list: each item's button (`open:<id>`) stores the id and goes to the item's step. */
export function queueStep<S>(render: (ctx: FlowContext<S>) => Promise<Reply[]>, itemStep: string): Step<S> {
  return {
    render,
    handle: (ctx, input) => {
      if (input.kind === "value" && input.value.startsWith("open:")) {
        ctx.data.id = input.value.slice(5);
        return { to: itemStep };
      }
      return { stay: [] };
    },
  };
}
