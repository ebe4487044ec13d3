/** Myanmar has one time zone and no daylight saving: UTC+06:30. */
export const YANGON = "Asia/Yangon";

const formatter = new Intl.DateTimeFormat("en-GB", {
  timeZone: YANGON,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** `2026-11-22 21:30` in Yangon time. */
export function yangonTime(date: Date): string {
  const parts = Object.fromEntries(formatter.formatToParts(date).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
