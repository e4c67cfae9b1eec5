/**
 * A multi-account AWS program: the stack deploys into four accounts, through the three kinds of
 * provider the aws-root-mfa policy pack finds. Run the pack against it with
 *
 *     pulumi preview --policy-pack .. --policy-pack-config policy-config.json
 *
 * and every account below is checked for root MFA before anything is deployed.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsnative from "@pulumi/aws-native";

const config = new pulumi.Config();

// 1. The default provider: the credentials `pulumi` runs with (AWS_PROFILE, SSO, OIDC in CI) and
//    the aws:region stack config. Resources without an explicit provider deploy here.
const logs = new aws.s3.Bucket("logs");

// 2. Explicit providers that assume a role in another account (the usual multi-account layout).
const prod = new aws.Provider("prod", {
    region: "us-east-1",
    assumeRoles: [{ roleArn: config.require("prodRoleArn"), sessionName: "pulumi-deploy" }],
});
const staging = new aws.Provider("staging", {
    region: "eu-west-1",
    assumeRoles: [{ roleArn: config.require("stagingRoleArn"), sessionName: "pulumi-deploy" }],
});
const prodAssets = new aws.s3.Bucket("prod-assets", {}, { provider: prod });
const stagingAssets = new aws.s3.Bucket("staging-assets", {}, { provider: staging });

// 3. An aws-native (Cloud Control) provider assuming a role in a third account.
const data = new awsnative.Provider("data", {
    region: "us-east-1",
    assumeRole: { roleArn: config.require("dataRoleArn"), sessionName: "pulumi-deploy" },
});
const dataLake = new awsnative.s3.Bucket("data-lake", {}, { provider: data });

export const buckets = [logs.bucket, prodAssets.bucket, stagingAssets.bucket, dataLake.bucketName];
