import type { Language } from "../users/user-model.ts";

/**
 * Yangon time, the one clock people and rules here use. Myanmar has one time zone, UTC+06:30, and no daylight
 * saving, so a fixed offset is exact; `Intl` with `Asia/Yangon` is used only to format.
 */
export const YANGON_TIME_ZONE = "Asia/Yangon";
export const YANGON_OFFSET_MS = 6.5 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** The instant the current day began in Yangon. */
export function yangonMidnight(now: Date): Date {
  const local = now.getTime() + YANGON_OFFSET_MS;
  return new Date(Math.floor(local / DAY_MS) * DAY_MS - YANGON_OFFSET_MS);
}

/** `2026-11-22`: the calendar day in Yangon (daily limits and counters are keyed by it). */
export function yangonDay(now: Date): string {
  return new Date(now.getTime() + YANGON_OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes since Yangon midnight, 0–1439. */
export function yangonMinuteOfDay(now: Date): number {
  return Math.floor((now.getTime() + YANGON_OFFSET_MS) / 60_000) % 1440;
}

/** Milliseconds from `now` until `hour`:00 of the next Yangon morning (or today's, if still ahead). */
export function untilYangonHour(now: Date, hour: number): number {
  const target = yangonMidnight(now).getTime() + hour * 3600_000;
  return target > now.getTime() ? target - now.getTime() : target + DAY_MS - now.getTime();
}

/** The Yangon month of an instant (`2026-11`), and when it starts and ends. */
export function yangonMonth(now: Date): { id: string; start: Date; end: Date } {
  const local = new Date(now.getTime() + YANGON_OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  return {
    id: `${year}-${String(month + 1).padStart(2, "0")}`,
    start: new Date(Date.UTC(year, month, 1) - YANGON_OFFSET_MS),
    end: new Date(Date.UTC(year, month + 1, 1) - YANGON_OFFSET_MS),
  };
}

const stamp = new Intl.DateTimeFormat("en-GB", {
  timeZone: YANGON_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** `2026-11-22 21:30` in Yangon time (admin screens, audit lines). */
export function yangonTime(date: Date): string {
  const parts = Object.fromEntries(stamp.formatToParts(date).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** A date in Yangon time, for people: `22 Nov 2026` / Burmese month and digits. */
export function formatDate(date: Date, language: Language): string {
  return new Intl.DateTimeFormat(language === "en" ? "en-GB" : "my", {
    timeZone: YANGON_TIME_ZONE,
    day: "numeric",
    month: language === "en" ? "short" : "long",
    year: "numeric",
  }).format(date);
}
