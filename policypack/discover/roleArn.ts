/** The parts of an IAM role ARN that name where a role lives. */
export interface RoleLocation {
    partition: string;
    accountId: string;
    roleName: string;
}

// An IAM role's path is printable ASCII between slashes; its name 1–64 of letters, digits and +=,.@_-.
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/((?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,64})$/;

/** Parses `arn:<partition>:iam::<account>:role/<path/name>`; undefined when it is not one. */
export function parseRoleArn(arn: string): RoleLocation | undefined {
    const m = ROLE_ARN.exec(arn);
    return m ? { partition: m[1], accountId: m[2], roleName: m[3] } : undefined;
}

const PRINCIPAL_ARN = /^arn:(aws[a-z-]*):(?:iam|sts)::(\d{12}):/;

/** Partition and account of any IAM/STS principal ARN (what sts:GetCallerIdentity returns). */
export function parsePrincipalArn(arn: string): { partition: string; accountId: string } | undefined {
    const m = PRINCIPAL_ARN.exec(arn);
    return m ? { partition: m[1], accountId: m[2] } : undefined;
}

/** The region the SDK should use for a partition when the provider names none. */
export function defaultRegionOf(partition: string): string {
    switch (partition) {
        case "aws-us-gov":
            return "us-gov-west-1";
        case "aws-cn":
            return "cn-north-1";
        default:
            return "us-east-1";
    }
}
