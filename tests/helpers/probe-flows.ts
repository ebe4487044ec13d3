import type { Action, Flow } from "../../bots/engine/contract.ts";

/** A flow that echoes what reached it, to observe the engine's input normalization. */
export const echoFlow: Flow = {
  id: "echo",
  first: "listen",
  steps: {
    listen: {
      render: () => [{ kind: "text", text: "echo: say something" }],
      handle: (_ctx, input) => ({
        stay: [{ kind: "text", text: `echo:${input.kind === "text" ? input.text : input.kind}` }],
      }),
    },
  },
};

/** An action that fails, to check the error boundary. */
export const probeActions: Action[] = [
  { id: "echo", run: () => ({ startFlow: "echo" }) },
  {
    id: "boom",
    run: () => {
      throw new Error("flow exploded on purpose");
    },
  },
];

export const probePlugins = { flows: [echoFlow], actions: probeActions };
