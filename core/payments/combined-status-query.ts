import type { PaymentLookup, PaymentStatusQuery } from "./callback-intake.ts";
import type { Gateway } from "./invoice-service.ts";

/**
 * With the sandbox on, a payment made on the sandbox gateway page counts as confirmed; everything else asks the real
 * gateway.
 */
export function statusQueryFor(
  sandbox: PaymentStatusQuery | undefined,
  gateway: PaymentStatusQuery,
): PaymentStatusQuery {
  return {
    async lookup(name: Gateway, orderId: string): Promise<PaymentLookup> {
      const local = sandbox === undefined ? undefined : await sandbox.lookup(name, orderId);
      return local?.paid === true ? local : gateway.lookup(name, orderId);
    },
  };
}
