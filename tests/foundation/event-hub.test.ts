import { describe, expect, it } from "vitest";
import { AppError } from "../../core/errors/app-error.ts";
import { EventHub } from "../../core/events/event-hub.ts";
import type { ReferralDoc, ReferralMove } from "../../core/referrals/referral-model.ts";

const referral = { _id: "R2345678", status: "hired" } as ReferralDoc;
const move = { to: "hired" } as ReferralMove;

describe("the domain event hub", () => {
  it("runs every subscriber of an event, in the order they subscribed", async () => {
    const hub = new EventHub();
    const ran: string[] = [];
    hub.on("referral.hired", async ({ referral: r }) => void ran.push(`invoice ${r._id}`));
    hub.on("referral.hired", ({ move: m }) => void ran.push(`notice ${m.to}`));
    hub.on("referral.moved", () => void ran.push("other event"));
    await hub.emit("referral.hired", { referral, move });
    expect(ran).toEqual(["invoice R2345678", "notice hired"]);
    expect(hub.count("referral.hired")).toBe(2);
  });

  it(
    "runs the others when one fails, then reports the " + "failure to the emitter (so its retry runs them again)",
    async () => {
      const hub = new EventHub();
      const ran: string[] = [];
      hub.on("payouts.paused", () => {
        throw new AppError("gateway_unreachable", "x");
      });
      hub.on("payouts.paused", ({ reason }) => void ran.push(reason));
      await expect(hub.emit("payouts.paused", { reason: "per_hour" })).rejects.toBeInstanceOf(Error);
      expect(ran).toEqual(["per_hour"]);

      hub.on("payouts.paused", () => Promise.reject(new Error("second")));
      await expect(hub.emit("payouts.paused", { reason: "again" })).rejects.toMatchObject({
        code: "event_handler_failed",
        details: { event: "payouts.paused", failures: 2 },
      });
      expect(ran).toEqual(["per_hour", "again"]);
    },
  );

  it("unsubscribes", async () => {
    const hub = new EventHub();
    const ran: string[] = [];
    const off = hub.on("kyc.decided", () => void ran.push("x"));
    off();
    await hub.emit("kyc.decided", { submission: {} as never });
    expect(ran).toEqual([]);
  });

  it("is the only way the core announces decisions: two subscribers of one core event both run", async () => {
    const hub = new EventHub();
    const seen: number[] = [];
    hub.on("job.published", () => void seen.push(1));
    hub.on("job.published", () => void seen.push(2));
    await hub.emit("job.published", { job: { _id: "J234567" } as never });
    expect(seen).toEqual([1, 2]);
  });
});
