/**
 * The machine's credentials: a container's (ECS, EKS Pod Identity) and an EC2 instance's (the
 * instance metadata service), asked the way the AWS SDK for Go asks, but through the pack's
 * request guard like every other call. The environment is the stack's, so an address it names
 * (AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_EC2_METADATA_SERVICE_ENDPOINT) is followed only when
 * it is one AWS documents or one the policy config trusts: the authorization token goes nowhere else.
 */
import { MalformedAnswerError, NoCredentialsError } from "./failure";
import { CallLimits, ClientPool, Credentials } from "./sdk";
import { UntrustedEndpointError, originOf } from "./trust";

/** What a machine-credentials request needs from the run. */
export interface MachineAccess {
    limits: CallLimits;
    pool: ClientPool;
    signal: AbortSignal;
}

// Credentials JSON is well under a kilobyte; anything much larger is not a credentials endpoint.
const MAX_ANSWER_BYTES = 64 * 1024;

/** GET (or PUT) `url` through the run's guard for `service`; the status and the body as text. */
async function request(access: MachineAccess, service: "container" | "imds", url: string, setting: string, method: "GET" | "PUT", headers: Record<string, string>): Promise<{ status: number; text: string }> {
    const u = new URL(url);
    if (!access.pool.trust.allowsUrl(url, [service])) {
        throw new UntrustedEndpointError(originOf(u) ?? `${u.protocol}//${u.host}`, [service], setting);
    }
    const handler = access.pool.requestHandler(access.limits, [service], {});
    const { HttpRequest } = require("@smithy/core/transport") as typeof import("@smithy/core/transport");
    const { response } = await handler.handle(new HttpRequest({
        protocol: u.protocol,
        hostname: u.hostname,
        port: u.port === "" ? undefined : Number(u.port),
        method,
        path: u.pathname,
        headers,
    }), { abortSignal: access.signal });
    const body = response.body as AsyncIterable<Buffer> & { destroy?: () => void };
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) {
            body.destroy?.();
            throw new MalformedAnswerError(`the answer of ${originOf(u)} (${setting}) was larger than ${MAX_ANSWER_BYTES} bytes`);
        }
        chunks.push(Buffer.from(chunk));
    }
    return { status: response.statusCode, text: Buffer.concat(chunks).toString("utf8") };
}

/** Credentials from the JSON AWS's container and instance endpoints answer with. */
function credentialsFrom(text: string, what: string): Credentials {
    let data: Record<string, unknown>;
    try {
        data = JSON.parse(text) as Record<string, unknown>;
    } catch {
        throw new MalformedAnswerError(`${what} answered with something that is not credentials JSON`);
    }
    const field = (name: string) => (typeof data[name] === "string" && data[name] !== "" ? (data[name] as string) : undefined);
    const accessKeyId = field("AccessKeyId");
    const secretAccessKey = field("SecretAccessKey");
    if (!accessKeyId || !secretAccessKey) {
        throw new MalformedAnswerError(`${what} answered without AccessKeyId and SecretAccessKey`);
    }
    const expiration = field("Expiration");
    return { accessKeyId, secretAccessKey, sessionToken: field("Token"), expiration: expiration ? new Date(expiration) : undefined };
}

/**
 * A container's credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on ECS, or FULL_URI), with its
 * authorization token. Only the addresses AWS documents, or trustedEndpoints, are asked.
 */
export async function containerCredentials(source: { url: string; from: string; authorization?: string }, access: MachineAccess): Promise<Credentials> {
    const what = `the container credentials endpoint (${source.from})`;
    const { status, text } = await request(access, "container", source.url, source.from, "GET", {
        accept: "application/json",
        ...(source.authorization ? { authorization: source.authorization } : {}),
    });
    if (status < 200 || status > 299) {
        throw new NoCredentialsError(`${what} answered HTTP ${status}${errorCode(text)}`);
    }
    return credentialsFrom(text, what);
}

/**
 * An EC2 instance's role credentials from the instance metadata service: a session token first
 * (IMDSv2), then the role name and its credentials; without a token (IMDSv1) only when the
 * service does not offer one and v1 is not disabled, as in the SDK for Go.
 */
export async function instanceCredentials(source: { endpoint?: { url: string; from: string }; ipv6: boolean; v1Disabled: boolean }, access: MachineAccess): Promise<Credentials> {
    const base = (source.endpoint?.url ?? (source.ipv6 ? "http://[fd00:ec2::254]" : "http://169.254.169.254")).replace(/\/+$/, "");
    const setting = source.endpoint?.from ?? "the instance metadata service";
    const what = `the instance metadata service (${setting})`;
    const tokenAnswer = await request(access, "imds", `${base}/latest/api/token`, setting, "PUT", { "x-aws-ec2-metadata-token-ttl-seconds": "21600" });
    let headers: Record<string, string> = {};
    if (tokenAnswer.status >= 200 && tokenAnswer.status <= 299 && tokenAnswer.text.trim() !== "") {
        headers = { "x-aws-ec2-metadata-token": tokenAnswer.text.trim() };
    } else if (tokenAnswer.status === 403 || source.v1Disabled) {
        throw new NoCredentialsError(`${what} gave no session token (HTTP ${tokenAnswer.status})${source.v1Disabled ? " and IMDSv1 is disabled" : ""}`);
    }
    const roles = await request(access, "imds", `${base}/latest/meta-data/iam/security-credentials/`, setting, "GET", headers);
    const role = roles.text.split("\n")[0]?.trim();
    if (roles.status === 404 || (roles.status >= 200 && roles.status <= 299 && !role)) {
        throw new NoCredentialsError(`${what} has no instance profile role: the instance has no IAM role attached`);
    }
    if (roles.status < 200 || roles.status > 299) {
        throw new NoCredentialsError(`${what} answered HTTP ${roles.status} for the instance's role`);
    }
    const answer = await request(access, "imds", `${base}/latest/meta-data/iam/security-credentials/${encodeURIComponent(role)}`, setting, "GET", headers);
    if (answer.status < 200 || answer.status > 299) {
        throw new NoCredentialsError(`${what} answered HTTP ${answer.status} for the role's credentials`);
    }
    let code: unknown;
    try {
        code = (JSON.parse(answer.text) as { Code?: unknown }).Code;
    } catch {
        code = undefined;
    }
    if (code !== undefined && code !== "Success") {
        throw new NoCredentialsError(`${what} could not provide the role's credentials (${typeof code === "string" ? code.slice(0, 100) : "no code"})`);
    }
    return credentialsFrom(answer.text, what);
}

/** `: <code>` of an error JSON body, when it has one (never its message, which may quote anything). */
function errorCode(text: string): string {
    try {
        const code = (JSON.parse(text) as { code?: unknown; Code?: unknown }).code ?? (JSON.parse(text) as { Code?: unknown }).Code;
        return typeof code === "string" && /^[\w.-]{1,100}$/.test(code) ? ` (${code})` : "";
    } catch {
        return "";
    }
}
