/**
 * Removes secrets and personal numbers from free text before it is logged.
 * Key-based redaction (pino `redact`) covers structured fields; this covers
 * values that end up inside messages and error texts.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Telegram bot tokens, also inside URLs such as /bot<token>/sendMessage
  [/\d{5,20}:[A-Za-z0-9_-]{30,64}/g, "[token]"],
  // NRC numbers, Latin and Burmese forms: 12/OUKAMA(N)123456, ၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆
  [/[0-9၀-၉]{1,2}\s*\/\s*[A-Za-z\u1000-\u109F]{2,12}\s*\(\s*[A-Za-z\u1000-\u109F]{1,8}\s*\)\s*[0-9၀-၉]{5,6}/g, "[nrc]"],
  // Myanmar phone numbers: +959..., 959..., 09..., with optional separators
  [/(?:\+?95|0)[\s-]?9(?:[\s-]?\d){6,10}/g, "[phone]"],
];

export function scrubText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result;
}
