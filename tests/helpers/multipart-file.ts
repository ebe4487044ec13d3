/** The bytes of the one file part of a multipart/form-data body (the part whose headers name a filename). */
export function fileWithin(body: Buffer): { name: string; bytes: Buffer } {
  const boundary = body.subarray(0, body.indexOf("\r\n")).toString("latin1");
  let at = 0;
  while ((at = body.indexOf(boundary, at)) >= 0) {
    const headersEnd = body.indexOf("\r\n\r\n", at);
    const headers = body.subarray(at, headersEnd).toString("utf8");
    const next = body.indexOf(`\r\n${boundary}`, headersEnd);
    const name = /filename="?([^";\r\n]*)"?/.exec(headers)?.[1];
    if (name !== undefined && headersEnd >= 0 && next >= 0) return { name, bytes: body.subarray(headersEnd + 4, next) };
    at += boundary.length;
  }
  throw new Error("no file part in the multipart body");
}
