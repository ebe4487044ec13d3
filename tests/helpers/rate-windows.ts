/** The most events in any one-second window (a platform's rate limit counts this way). */
export function worstWindow(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= 1000) j++;
    worst = Math.max(worst, i - j + 1);
  }
  return worst;
}
