import type { AwsError } from "./errors";
import { IAM_OPERATIONS } from "./iam";
import type { Operation, Params } from "./operation";
import { STS_OPERATIONS } from "./sts";
import { el, escapeXml, node } from "./xml";

/** A service spoken over the AWS Query protocol. */
export interface QueryService {
    /** XML namespace of responses and errors. */
    namespace: string;
    /** API version clients send as `Version`. */
    version: string;
    operations: ReadonlyMap<string, Operation<string>>;
}

/** The Query-protocol services, by signing name. */
export const QUERY_SERVICES: Readonly<Record<"sts" | "iam", QueryService>> = {
    sts: { namespace: "https://sts.amazonaws.com/doc/2011-06-15/", version: "2011-06-15", operations: STS_OPERATIONS },
    iam: { namespace: "https://iam.amazonaws.com/doc/2010-05-08/", version: "2010-05-08", operations: IAM_OPERATIONS },
};

/** Content type of Query responses (success and error). */
export const QUERY_CONTENT_TYPE = "text/xml";

/** Decodes an `application/x-www-form-urlencoded` body (`Action=…&Version=…&Name.member.1=…`). */
export function parseQueryParams(body: Buffer): Params {
    return Object.fromEntries(new URLSearchParams(body.toString("utf8")));
}

/** `<ActionResponse xmlns=…><ActionResult>result</ActionResult><ResponseMetadata>…</ActionResponse>`. */
export function queryResponse(service: QueryService, action: string, resultXml: string, requestId: string): string {
    return (
        `<${action}Response xmlns="${service.namespace}">` +
        node(`${action}Result`, resultXml) +
        node("ResponseMetadata", el("RequestId", requestId)) +
        `</${action}Response>`
    );
}

/** `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`; no xmlns when the service is unknown. */
export function queryErrorResponse(service: QueryService | undefined, error: AwsError, requestId: string): string {
    const xmlns = service ? ` xmlns="${escapeXml(service.namespace)}"` : "";
    const detail = el("Type", error.type) + el("Code", error.code) + el("Message", error.message);
    return `<ErrorResponse${xmlns}>${node("Error", detail)}${el("RequestId", requestId)}</ErrorResponse>`;
}
