import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AwsV4Signer } from "aws4fetch";

/**
 * A stand-in for an S3-compatible bucket on 127.0.0.1 (path-style: `/<bucket>/<key>`): PUT, GET, DELETE of objects
 * and ListObjectsV2, each request's AWS Signature V4 checked by signing it again with the known secret (a wrong
 * secret, a changed header or a replayed date from another request gets 403 SignatureDoesNotMatch).
 */
export class FakeS3 {
  readonly objects = new Map<string, Buffer>();
  readonly requests: Array<{ method: string; key: string; status: number }> = [];
  private server: Server | undefined;
  private readonly bucket: string;
  private readonly accessKeyId: string;
  private readonly secretAccessKey: string;

  constructor(options: { bucket: string; accessKeyId: string; secretAccessKey: string }) {
    this.bucket = options.bucket;
    this.accessKeyId = options.accessKeyId;
    this.secretAccessKey = options.secretAccessKey;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo | null)?.port ?? 0}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(({ status, body, type }) => {
        response.writeHead(status, { "content-type": type ?? "application/xml" });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async signatureOk(request: IncomingMessage): Promise<boolean> {
    const auth = request.headers.authorization ?? "";
    const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/[^,]+, SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(
      auth,
    );
    if (match === null || match[1] !== this.accessKeyId) return false;
    const signed = (match[2] ?? "").split(";");
    const headers: Record<string, string> = {};
    for (const name of signed) if (name !== "host") headers[name] = String(request.headers[name] ?? "");
    const datetime = String(request.headers["x-amz-date"] ?? "");
    const signer = new AwsV4Signer({
      method: request.method ?? "GET",
      url: `http://${request.headers.host ?? ""}${request.url ?? ""}`,
      headers,
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
      service: "s3",
      region: /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(auth)?.[1] ?? "us-east-1",
      datetime,
    });
    const again = (await signer.sign()).headers.get("authorization") ?? "";
    return again.endsWith(`Signature=${match[3]}`);
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; body: string | Buffer; type?: string }> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? "/", "http://s3.local");
    const [, bucket = "", ...rest] = url.pathname.split("/");
    const key = decodeURIComponent(rest.join("/"));
    const answer = (status: number, body: string | Buffer = "", type?: string) => {
      this.requests.push({ method: request.method ?? "", key, status });
      return { status, body, ...(type === undefined ? {} : { type }) };
    };
    if (!(await this.signatureOk(request))) return answer(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>");
    if (bucket !== this.bucket) return answer(404, "<Error><Code>NoSuchBucket</Code></Error>");
    if (request.method === "PUT") {
      this.objects.set(key, Buffer.concat(chunks));
      return answer(200);
    }
    if (request.method === "DELETE") {
      this.objects.delete(key);
      return answer(204);
    }
    if (request.method === "GET" && key === "" && url.searchParams.get("list-type") === "2") {
      const prefix = url.searchParams.get("prefix") ?? "";
      const keys = [...this.objects.keys()].filter((name) => name.startsWith(prefix)).sort();
      const contents = keys
        .map((name) => `<Contents><Key>${name}</Key><Size>${this.objects.get(name)?.length ?? 0}</Size></Contents>`)
        .join("");
      return answer(200, `<ListBucketResult><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`);
    }
    if (request.method === "GET") {
      const object = this.objects.get(key);
      return object === undefined
        ? answer(404, "<Error><Code>NoSuchKey</Code></Error>")
        : answer(200, object, "application/octet-stream");
    }
    return answer(405);
  }
}
