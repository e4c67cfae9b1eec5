/**
 * The AWS managed root-task policies that scope an `sts:AssumeRoot` session, and how they deny
 * the session's calls.
 */
import { notAuthorizedMessage } from "./errors";
import type { Params } from "./operation";
import type { Partition, Principal } from "./state";

/** The session policy of an AssumeRoot session. */
export interface RootTaskPolicy {
    /** e.g. `IAMDeleteRootUserCredentials`. */
    name: string;
    /** `arn:<p>:iam::aws:policy/root-task/<name>`. */
    arn: string;
    /** The only actions (`<service>:<Action>`) the session may perform, and only on the root user. */
    actions: ReadonlySet<string>;
}

/**
 * The actions each root-task policy leaves allowed. Each policy is two Deny statements: one
 * denies every other action (NotAction), one denies these on any resource but the root user
 * (NotResource `arn:aws:iam::*:root`; S3UnlockBucketPolicy by `aws:PrincipalArn` instead).
 * Source: the policy documents in "AWS managed policies for AWS Identity and Access Management",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/security-iam-awsmanpol.html (IAMDeleteRootUserCredentials
 * as of January 7, 2025, when iam:DeleteVirtualMFADevice was removed), the policies that
 * "Perform a privileged task on an AWS Organizations member account",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html, lets AssumeRoot use.
 */
const ROOT_TASK_ACTIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
    [
        "IAMAuditRootUserCredentials",
        new Set([
            "iam:ListAccessKeys",
            "iam:ListSigningCertificates",
            "iam:GetLoginProfile",
            "iam:ListMFADevices",
            "iam:GetAccountSummary",
            "iam:GetUser",
            "iam:GetAccessKeyLastUsed",
        ]),
    ],
    ["IAMCreateRootUserPassword", new Set(["iam:CreateLoginProfile", "iam:GetLoginProfile"])],
    [
        "IAMDeleteRootUserCredentials",
        new Set([
            "iam:DeleteAccessKey",
            "iam:DeleteSigningCertificate",
            "iam:DeleteLoginProfile",
            "iam:DeactivateMFADevice",
            "iam:ListAccessKeys",
            "iam:ListSigningCertificates",
            "iam:GetLoginProfile",
            "iam:ListMFADevices",
            "iam:GetUser",
            "iam:GetAccessKeyLastUsed",
        ]),
    ],
    ["S3UnlockBucketPolicy", new Set(["s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:ListAllMyBuckets"])],
    // The guide shows this one's statements but not its action list; they are SQS actions, which this fake doesn't serve.
    ["SQSUnlockQueuePolicy", new Set<string>()],
]);

const ROOT_TASK_ARN = /^arn:([\w-]+):iam::aws:policy\/root-task\/(\w+)$/;

/** Whatever a principal's policies say, it may call these (AWS: GetCallerIdentity needs no permission). */
const ALWAYS_ALLOWED = new Set(["sts:GetCallerIdentity"]);

/** The root-task policy with this ARN in the partition; undefined for any other policy ARN. */
export function rootTaskPolicy(arn: string, partition: Partition): RootTaskPolicy | undefined {
    const m = ROOT_TASK_ARN.exec(arn);
    const actions = m && m[1] === partition ? ROOT_TASK_ACTIONS.get(m[2]) : undefined;
    return m && actions ? { name: m[2], arn, actions } : undefined;
}

/**
 * Why the caller's root-task policy denies `action` (`<service>:<Action>`), in AWS's words;
 * undefined when it allows it or the caller is no AssumeRoot session. Naming an IAM user
 * (`UserName`) is acting on a resource other than the root user, so it is denied too.
 */
export function rootTaskDenial(caller: Principal, action: string, params: Params): string | undefined {
    const task = caller.rootTask;
    if (!task || ALWAYS_ALLOWED.has(action)) return undefined;
    const user = params.UserName === undefined ? undefined : `arn:${caller.partition}:iam::${caller.accountId}:user/${params.UserName}`;
    if (user === undefined && task.actions.has(action)) return undefined;
    // The policies deny with Deny statements, so AWS reports an explicit deny, not a missing allow.
    return `${notAuthorizedMessage(caller.arn, action, user)} with an explicit deny in a session policy`;
}
