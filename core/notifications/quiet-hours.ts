import { yangonMinuteOfDay } from "../values/yangon-time.ts";
import { AppError } from "../errors/app-error.ts";

export interface QuietHours {
  /** Minutes after Yangon midnight. */
  start: number;
  end: number;
}

/** `22:00-07:00` → { start: 1320, end: 420 }; `off` → undefined. */
export function parseQuietHours(value: string): QuietHours | undefined {
  if (value === "off") return undefined;
  const match = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(value);
  if (match === null)
    throw new AppError("config_invalid", `quiet hours must look like 22:00-07:00 or off, got ${value}`);
  const [, h1, m1, h2, m2] = match.map(Number) as [number, number, number, number, number];
  return { start: h1 * 60 + m1, end: h2 * 60 + m2 };
}

/** How long a non-urgent message must wait at `now` (0 outside quiet hours). */
export function quietDelayMs(quiet: QuietHours | undefined, now: Date): number {
  if (quiet === undefined || quiet.start === quiet.end) return 0;
  const minuteOfDay = yangonMinuteOfDay(now);
  const inside =
    quiet.start < quiet.end
      ? minuteOfDay >= quiet.start && minuteOfDay < quiet.end
      : minuteOfDay >= quiet.start || minuteOfDay < quiet.end;
  if (!inside) return 0;
  const minutesLeft = (quiet.end - minuteOfDay + 1440) % 1440;
  const secondsIntoMinute = (now.getTime() % 60_000) / 1000;
  return Math.max(0, Math.round((minutesLeft * 60 - secondsIntoMinute) * 1000));
}
