import type { Action } from "../../engine/contract.ts";
import { formatKyat } from "../../../core/values/money.ts";
import type { NetworkServices } from "./services.ts";

/** "My network": people at each level (up to 3) and what their hires earned me, with the commission rates. */
export const networkAction: Action<NetworkServices> = {
  id: "network",
  run: async (ctx) => {
    const language = ctx.user.language;
    const [sizes, earnings] = await Promise.all([
      ctx.services.network.sizes(ctx.user._id),
      ctx.services.rewards.networkEarnings(ctx.user._id),
    ]);
    const lines = [ctx.t("network:title")];
    sizes.forEach((count, index) => {
      lines.push(
        ctx.t("network:level", {
          level: index + 1,
          count,
          percent: (ctx.services.commissionBasisPoints[index] ?? 0) / 100,
          earned: formatKyat(earnings.byLevel[index] ?? 0, language),
        }),
      );
    });
    lines.push(ctx.t("network:total", { earned: formatKyat(earnings.total, language) }));
    if (sizes[0] === 0) lines.push(ctx.t("network:empty_hint"));
    return { replies: [{ kind: "text", text: lines.join("\n") }] };
  },
};
