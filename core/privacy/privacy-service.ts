import type { Connection } from "mongoose";
import type { AuditLog } from "../admin/audit-log.ts";
import { AppError } from "../errors/app-error.ts";
import { inAllLanguages, type Translator } from "../i18n/translator.ts";
import type { NotificationService } from "../notifications/notification-service.ts";
import type { MediaVault } from "../files/media-vault.ts";
import type { KycService } from "../kyc/kyc-service.ts";
import { kycModels } from "../kyc/kyc-models.ts";
import { payoutModels } from "../payouts/payout-models.ts";
import { referralModels } from "../referrals/referral-model.ts";
import { ticketModels } from "../support/ticket-models.ts";
import { userModels, type Channel, type UserDoc } from "../users/user-model.ts";
import type { UserService } from "../users/user-service.ts";
import { ledgerModels } from "../wallet/ledger.ts";
import { ownerOf, type WalletService } from "../wallet/wallet-service.ts";

const ERASED = "erased";

/**
 * The person's rights over their data: a copy of it (their profile, chats, referrals they made without the
 * candidates' details, wallet history, payouts, tickets; never other people's data) and deleting their account
 * (refused while the platform holds money for them or a payout is in flight; personal fields erased, identity
 * documents deleted, chats unlinked; ledger and audit entries kept under the now pseudonymous id, as financial records
 * must be). Both are audited.
 */
export class PrivacyService {
  private readonly connection: Connection;
  private readonly wallet: WalletService;
  private readonly kyc: KycService;
  private readonly vault: MediaVault;
  private readonly audit: AuditLog;
  private readonly now: () => Date;
  private readonly notifier: NotificationService;
  private readonly translator: Translator;
  private readonly users: Pick<UserService, "forget">;

  constructor(deps: {
    connection: Connection;
    wallet: WalletService;
    kyc: KycService;
    vault: MediaVault;
    audit: AuditLog;
    notifier: NotificationService;
    translator: Translator;
    /** Drops the deleted account from every process's memory (a later message starts a new one). */
    users: Pick<UserService, "forget">;
    now: () => Date;
  }) {
    this.connection = deps.connection;
    this.wallet = deps.wallet;
    this.kyc = deps.kyc;
    this.vault = deps.vault;
    this.audit = deps.audit;
    this.now = deps.now;
    this.notifier = deps.notifier;
    this.translator = deps.translator;
    this.users = deps.users;
  }

  /** Everything kept about the person, as one JSON document. */
  async exportData(userId: string, channel: Channel): Promise<Record<string, unknown>> {
    const { User, Identity } = userModels(this.connection);
    const user = await User.findById(userId).lean<UserDoc>().exec();
    if (user === null) throw new AppError("not_found", `no user ${userId}`);
    const [identities, referrals, entries, payouts, tickets, kyc] = await Promise.all([
      Identity.find({ userId }).lean().exec(),
      referralModels(this.connection).Referral.find({ referrerId: userId }).lean().exec(),
      ledgerModels(this.connection)
        .Entry.find({ owner: ownerOf(userId) })
        .sort({ seq: 1 })
        .lean()
        .exec(),
      payoutModels(this.connection).Payout.find({ userId }).lean().exec(),
      ticketModels(this.connection).Ticket.find({ userId }).lean().exec(),
      this.kyc.state(userId),
    ]);
    const messages = await ticketModels(this.connection)
      .Message.find({ ticketId: { $in: tickets.map((ticket) => ticket._id) } })
      .sort({ at: 1 })
      .lean()
      .exec();
    await this.audit.record({
      actorId: userId,
      actorRole: "system",
      channel,
      action: "privacy.export",
      target: userId,
    });
    return {
      exportedAt: this.now().toISOString(),
      profile: {
        id: user._id,
        name: user.name,
        displayName: user.displayName,
        language: user.language,
        phone: user.phone,
        invitedBy: user.invitedBy,
        createdAt: user.createdAt,
        lastSeenAt: user.lastSeenAt,
      },
      chats: identities.map((identity) => ({
        channel: identity.channel,
        username: identity.username,
        since: identity.createdAt,
      })),
      identityCheck: { status: kyc.status },
      // The candidates' names and phones are theirs, not the referrer's: only what the referrer did is included.
      referrals: referrals.map((referral) => ({
        id: referral._id,
        job: referral.jobId,
        status: referral.status,
        bonus: referral.bonus,
        createdAt: referral.createdAt,
        hiredAt: referral.hiredAt,
      })),
      wallet: entries.map((entry) => ({
        at: entry.at,
        what: entry.memo.code,
        legs: entry.postings.filter((posting) => posting.account.startsWith(`${ownerOf(userId)}:`)),
      })),
      payouts: payouts.map((payout) => ({
        id: payout._id,
        amount: payout.amount,
        provider: payout.provider,
        walletPhone: payout.walletPhone,
        status: payout.status,
        requestedAt: payout.requestedAt,
        paidAt: payout.paidAt,
      })),
      tickets: tickets.map((ticket) => ({
        id: ticket._id,
        topic: ticket.topic,
        status: ticket.status,
        createdAt: ticket.createdAt,
        messages: messages
          .filter((message) => message.ticketId === ticket._id)
          .map((message) => ({ from: message.from, text: message.text, at: message.at })),
      })),
    };
  }

  /**
   * A candidate who applied through a referrer's link asks to be removed from the referral: their name and phone on
   * it are erased, and the referrer is told politely. Once; a repeat answers `already`.
   */
  async candidateOptOut(referralId: string, userId: string, channel: Channel): Promise<"removed" | "already"> {
    const { Referral } = referralModels(this.connection);
    const referral = await Referral.findById(referralId.toUpperCase()).lean().exec();
    if (referral === null || referral.candidateUserId !== userId)
      throw new AppError("not_found", `no referral ${referralId} of candidate ${userId}`);
    if (referral.candidate.name === ERASED) return "already";
    await Referral.updateOne(
      { _id: referral._id },
      { $set: { "candidate.name": ERASED, "candidate.phone": ERASED, updatedAt: this.now() } },
    ).exec();
    await this.notifier.notify({
      userId: referral.referrerId,
      key: `referral:${referral._id}:optout`,
      text: inAllLanguages(this.translator, "privacy:optout_referrer", () => ({ ref: referral._id })),
    });
    await this.audit.record({
      actorId: userId,
      actorRole: "system",
      channel,
      action: "privacy.candidate_optout",
      target: referral._id,
      once: `referral:${referral._id}:optout`,
    });
    return "removed";
  }

  /** Why the account cannot be deleted now, or null when it can. */
  async blocker(userId: string): Promise<{ code: "account_has_money" | "payout_in_flight"; amount: number } | null> {
    const balances = await this.wallet.balances(userId);
    if (balances.held > 0) return { code: "payout_in_flight", amount: balances.held };
    const owed = balances.available + balances.pending;
    return owed > 0 ? { code: "account_has_money", amount: owed } : null;
  }

  /** Deletes the account: refused with the reason while money is owed or held. */
  async deleteAccount(userId: string, channel: Channel): Promise<void> {
    const blocked = await this.blocker(userId);
    if (blocked !== null)
      throw new AppError(blocked.code, "the account still has money with the platform", {
        details: { amount: blocked.amount },
      });
    const { User, Identity } = userModels(this.connection);
    const user = await User.findById(userId).lean<UserDoc>().exec();
    if (user === null) throw new AppError("not_found", `no user ${userId}`);
    // Identity documents first (refused while one is under review: the reviewer may be reading it).
    await this.kyc.deleteDocumentsOf(userId, channel);
    const { Submission, Holder } = kycModels(this.connection);
    await Submission.updateMany(
      { userId },
      { $set: { fullName: ERASED, dateOfBirth: ERASED, "nrc.number": ERASED, "nrc.burmese": ERASED } },
    ).exec();
    await Holder.updateMany({ userIds: userId }, { $pull: { userIds: userId } }).exec();
    // Their own words in support tickets, and their attachments.
    const tickets = await ticketModels(this.connection).Ticket.find({ userId }, { _id: 1 }).lean().exec();
    const { Message } = ticketModels(this.connection);
    const own = await Message.find({ ticketId: { $in: tickets.map((t) => t._id) }, from: "person" })
      .lean()
      .exec();
    for (const message of own) if (message.mediaId !== null) await this.vault.erase(message.mediaId);
    await Message.updateMany(
      { ticketId: { $in: tickets.map((t) => t._id) }, from: "person" },
      { $set: { text: ERASED, mediaId: null } },
    ).exec();
    // Where they were the candidate (applied through a link), their name and phone.
    await referralModels(this.connection)
      .Referral.updateMany(
        { candidateUserId: userId },
        { $set: { "candidate.name": ERASED, "candidate.phone": ERASED } },
      )
      .exec();
    await payoutModels(this.connection).Prefs.deleteOne({ _id: userId }).exec();
    await Identity.deleteMany({ userId }).exec();
    await User.updateOne(
      { _id: userId },
      {
        $set: {
          name: ERASED,
          displayName: null,
          phone: null,
          identityKeys: [],
          roles: [],
          status: "deleted",
          deletedAt: this.now(),
        },
      },
    ).exec();
    await this.users.forget(userId);
    await this.audit.record({
      actorId: userId,
      actorRole: "system",
      channel,
      action: "privacy.delete",
      target: userId,
      after: { identities: user.identityKeys.length },
    });
  }
}
