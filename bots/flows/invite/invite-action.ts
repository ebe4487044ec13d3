import type { Action } from "../../engine/contract.ts";
import { inviteLinks } from "./invite-links.ts";
import type { InviteServices } from "./services.ts";

/** "Invite friends": the person's code, both links, and share buttons with a ready text in their language. */
export const inviteAction: Action<InviteServices> = {
  id: "invite",
  run: (ctx) => {
    const code = ctx.user._id;
    const links = inviteLinks(ctx.services.botLinks, code);
    const link = ctx.channel === "vb" ? links.viber : links.telegram;
    const shareText = ctx.t("invite:share_text", { link });
    const share =
      ctx.channel === "tg"
        ? {
            label: ctx.t("invite:share_telegram"),
            url:
              `https://t.me/share/url?url=${encodeURIComponent(links.telegram)}` +
              `&text=${encodeURIComponent(ctx.t("invite:share_text", { link: "" }).trim())}`,
          }
        : { label: ctx.t("invite:share_viber"), url: `viber://forward?text=${encodeURIComponent(shareText)}` };
    return {
      replies: [
        {
          kind: "text",
          text: ctx.t("invite:intro", { code, telegram: links.telegram, viber: links.viber }),
          buttons: [[share]],
        },
        { kind: "text", text: shareText },
      ],
    };
  },
};
