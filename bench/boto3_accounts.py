"""What a team would script instead of the pack: boto3, one process, 16 threads, per account
AssumeRole with the deployer's credentials from the environment (one shared STS client), then IAM
GetAccountSummary with the role's credentials. With --assume-root the arguments are account ids
and each account is read as `check --organization` reads it with centralized root access:
sts:AssumeRoot (TargetPrincipal the account id, TaskPolicyArn IAMAuditRootUserCredentials) with the
environment's credentials (the management account's), then GetAccountSummary with the root
session's credentials (needs a botocore that knows AssumeRoot: from November 2024 on). Two styles
of making the IAM client:

- session-per-account (default): `boto3.Session(<the role's keys>).client("iam")`, the way AWS's
  multi-account examples write it (sessions are not thread-safe, so each thread makes its own);
- shared-session: one session, a client per account made under a lock, which saves loading the
  service model again per account (a tuned script).

Usage: boto3_accounts.py [--style session-per-account|shared-session] --endpoint-url URL --region REGION ROLE_ARN...
       boto3_accounts.py --assume-root [--partition aws] [--style ...] --endpoint-url URL --region REGION ACCOUNT_ID...

Prints {"wallMs": N, "accounts": N} on stdout: the wall time from after the imports to the last
summary (the shared STS client's creation included, Python's start-up and imports not). Exits 1
with one line per failed account on stderr if any call fails or a summary has no SummaryMap.
"""
import argparse
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore.config

THREADS = 16


def root_audit_credentials(sts, partition, account_id):
    """Credentials of an sts:AssumeRoot session on the account, limited to IAMAuditRootUserCredentials."""
    task = f"arn:{partition}:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
    return sts.assume_root(TargetPrincipal=account_id, TaskPolicyArn={"arn": task})["Credentials"]


def account_summary(style, session, session_lock, sts, endpoint_url, region, role_arn, partition=None):
    if partition is None:
        creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="root-mfa-audit")["Credentials"]
    else:
        # --assume-root: role_arn is the account id.
        creds = root_audit_credentials(sts, partition, role_arn)
    keys = dict(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    if style == "session-per-account":
        iam = boto3.Session(**keys).client("iam", endpoint_url=endpoint_url, region_name=region)
    else:
        with session_lock:
            iam = session.client("iam", endpoint_url=endpoint_url, region_name=region, **keys)
    summary = iam.get_account_summary()
    if "SummaryMap" not in summary:
        raise ValueError("GetAccountSummary answered without a SummaryMap")
    return summary["SummaryMap"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--style", choices=["session-per-account", "shared-session"], default="session-per-account")
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--assume-root", action="store_true",
                        help="the arguments are account ids, each read through sts:AssumeRoot (IAMAuditRootUserCredentials)")
    parser.add_argument("--partition", default="aws", help="partition of the task policy ARN with --assume-root")
    parser.add_argument("role_arns", nargs="+", metavar="ROLE_ARN_OR_ACCOUNT_ID")
    args = parser.parse_args()
    partition = args.partition if args.assume_root else None

    t0 = time.perf_counter()
    session = boto3.Session()
    session_lock = threading.Lock()
    # As many pooled connections as threads, so no thread waits for (or discards) a connection.
    sts = session.client("sts", endpoint_url=args.endpoint_url, region_name=args.region,
                         config=botocore.config.Config(max_pool_connections=THREADS))
    failures = []

    def one(role_arn):
        try:
            account_summary(args.style, session, session_lock, sts, args.endpoint_url, args.region, role_arn, partition)
        except Exception as e:  # every failure is reported per account, none ends the run early
            failures.append(f"{role_arn}: {e}")

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(one, args.role_arns))
    wall_ms = round((time.perf_counter() - t0) * 1000)

    if failures:
        for failure in failures:
            print(f"boto3_accounts: {failure}", file=sys.stderr)
        print(f"boto3_accounts: {len(failures)} of {len(args.role_arns)} accounts failed", file=sys.stderr)
        return 1
    print(json.dumps({"wallMs": wall_ms, "accounts": len(args.role_arns)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
