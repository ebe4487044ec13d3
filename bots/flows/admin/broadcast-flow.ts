import type { Segment } from "../../../core/broadcasts/broadcast-service.ts";
import type { Action, Flow, FlowContext } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { text } from "../../engine/replies.ts";
import type { AdminServices } from "./services.ts";

/** Telegram captions are 1024 characters and Viber picture text 768; without an image, Telegram's 4096 applies. */
const MAX_TEXT = 1000;
const SEGMENTS: Record<string, Segment> = {
  all: { kind: "all" },
  tg: { kind: "channel", channel: "tg" },
  vb: { kind: "channel", channel: "vb" },
  en: { kind: "language", language: "en" },
  my: { kind: "language", language: "my" },
};

/** Templates the worker fills in, in both languages, so progress reaches the admin in theirs. */
function templates(ctx: FlowContext<AdminServices>) {
  const both = (key: string) => ({
    en: ctx.services.translator.t("en")(key),
    my: ctx.services.translator.t("my")(key),
  });
  return {
    progress: both("broadcast:progress"),
    summary: both("broadcast:summary"),
    cancelled: both("broadcast:cancelled_summary"),
  };
}

const askText = (language: "en" | "my") => ({
  render: (ctx: FlowContext<AdminServices>) => [
    text(ctx.t(language === "en" ? "broadcast:ask_en" : "broadcast:ask_my")),
  ],
  handle: (ctx: FlowContext<AdminServices>, input: Parameters<Flow["steps"][string]["handle"]>[1]) => {
    if (input.kind !== "text" || input.text.trim() === "")
      return { stay: [text(ctx.t(language === "en" ? "broadcast:ask_en" : "broadcast:ask_my"))] };
    if (input.text.length > MAX_TEXT) return { stay: [text(ctx.t("broadcast:too_long", { max: MAX_TEXT }))] };
    ctx.data[language] = input.text;
    return { to: language === "en" ? "text_my" : "image" };
  },
});

/** Compose (text per language, optional image) → segment → preview with count → confirm → the worker sends. */
export const broadcastFlow: Flow<AdminServices> = {
  id: "broadcast",
  gate: "broadcast",
  first: "text_en",
  steps: {
    text_en: askText("en"),
    text_my: askText("my"),
    image: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("broadcast:ask_image"),
          buttons: [[ctx.stepButton(ctx.t("broadcast:skip"), "skip")]],
        },
      ],
      handle: (ctx, input) => {
        if (input.kind === "value" && input.value === "skip") {
          ctx.data.image = "";
          return { to: "segment" };
        }
        if (input.kind === "text" && /^https:\/\/\S+\.(jpe?g|png)(\?\S*)?$/i.test(input.text.trim())) {
          ctx.data.image = input.text.trim();
          return { to: "segment" };
        }
        return { retry: [text(ctx.t("broadcast:bad_image"))] };
      },
    },
    segment: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("broadcast:ask_segment"),
          buttons: [
            [ctx.stepButton(ctx.t("broadcast:segment.all"), "all")],
            [ctx.stepButton(ctx.t("broadcast:segment.tg"), "tg"), ctx.stepButton(ctx.t("broadcast:segment.vb"), "vb")],
            [ctx.stepButton(ctx.t("broadcast:segment.en"), "en"), ctx.stepButton(ctx.t("broadcast:segment.my"), "my")],
          ],
        },
      ],
      handle: (ctx, input) => {
        if (input.kind !== "value" || SEGMENTS[input.value] === undefined)
          return { stay: [text(ctx.t("broadcast:ask_segment"))] };
        ctx.data.segment = input.value;
        return { to: "confirm" };
      },
    },
    confirm: {
      render: async (ctx) => {
        const segmentKey = stringField(ctx.data, "segment");
        const count = await ctx.services.broadcasts.count(SEGMENTS[segmentKey] ?? { kind: "all" });
        if (count.recipients === 0) return [text(ctx.t("broadcast:nobody"))];
        const image = stringField(ctx.data, "image");
        const lines = [
          ctx.t("broadcast:preview", {
            en: stringField(ctx.data, "en"),
            my: stringField(ctx.data, "my"),
            image: image === "" ? "" : `\n🖼 ${image}`,
            count: count.recipients,
            segment: ctx.t(`broadcast:segment.${segmentKey}`),
            unreachable: count.unreachable,
          }),
        ];
        if (count.viber > 0) lines.push(ctx.t("broadcast:viber_warning", { viber: count.viber }));
        return [
          { kind: "text", text: lines.join("\n\n"), buttons: [[ctx.stepButton(ctx.t("broadcast:confirm"), "send")]] },
        ];
      },
      handle: async (ctx, input) => {
        if (input.kind !== "value" || input.value !== "send") return { stay: [] };
        const image = stringField(ctx.data, "image");
        const doc = await ctx.services.broadcasts.start({
          admin: ctx.user,
          channel: ctx.channel,
          text: { en: stringField(ctx.data, "en"), my: stringField(ctx.data, "my") },
          imageUrl: image === "" ? null : image,
          segment: SEGMENTS[stringField(ctx.data, "segment")] ?? { kind: "all" },
          templates: templates(ctx),
        });
        return { done: [text(ctx.t("broadcast:started", { id: doc._id }))] };
      },
    },
  },
};

/** `/broadcast` composes a new one; `/broadcast cancel <id>` stops one. */
export const broadcastActions: Action<AdminServices>[] = [
  {
    id: "broadcast",
    gate: "broadcast",
    run: async (ctx, args) => {
      const cancel = /^cancel\s+(B[0-9A-F]{10})$/i.exec(args.trim());
      if (cancel?.[1] !== undefined) {
        const id = cancel[1].toUpperCase();
        const result = await ctx.services.broadcasts.cancel(id, ctx.user, ctx.channel);
        return {
          replies: [text(ctx.t(result === "cancelled" ? "broadcast:cancel_done" : "broadcast:cancel_none", { id }))],
        };
      }
      return { startFlow: "broadcast" };
    },
  },
  { id: "admin.broadcast", gate: "broadcast", run: () => ({ startFlow: "broadcast" }) },
];
