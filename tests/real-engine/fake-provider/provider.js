"use strict";
/**
 * A fake `aws` resource provider for the real-engine tests: the Pulumi CLI runs it in place of
 * pulumi-aws. It answers CheckConfig/DiffConfig as unimplemented (the engine then passes provider
 * config through unchanged), creates resources in memory and appends one line per create, update
 * and delete to the file named by FAKE_AWS_PROVIDER_LOG, so a test can tell what was deployed.
 * Plain JavaScript: the CLI runs it directly with node, resolving @pulumi/pulumi from the checkout.
 */
const fs = require("node:fs");
const { main } = require("@pulumi/pulumi/provider");

const VERSION = "7.48.0";

const schema = {
    name: "aws",
    version: VERSION,
    meta: { moduleFormat: "(.*)(?:/[^/]*)" },
    config: {
        variables: {
            region: { type: "string" },
            assumeRoles: { type: "array", items: { $ref: "#/types/aws:config/assumeRoles:assumeRoles" } },
        },
    },
    provider: {
        inputProperties: {
            region: { type: "string" },
            assumeRoles: { type: "array", items: { $ref: "#/types/aws:index/ProviderAssumeRole:ProviderAssumeRole" } },
        },
    },
    types: {
        "aws:config/assumeRoles:assumeRoles": {
            type: "object",
            properties: { roleArn: { type: "string" }, sessionName: { type: "string" } },
        },
        "aws:index/ProviderAssumeRole:ProviderAssumeRole": {
            type: "object",
            properties: { roleArn: { type: "string" }, sessionName: { type: "string" } },
        },
    },
    resources: {
        "aws:s3/bucket:Bucket": {
            inputProperties: { bucket: { type: "string" } },
            properties: { bucket: { type: "string" }, arn: { type: "string" } },
        },
    },
};

function log(line) {
    if (process.env.FAKE_AWS_PROVIDER_LOG) {
        fs.appendFileSync(process.env.FAKE_AWS_PROVIDER_LOG, line + "\n");
    }
}

let nextId = 0;

main({
    version: VERSION,
    schema: JSON.stringify(schema),
    check: async (_urn, _olds, news) => ({ inputs: news }),
    diff: async (_id, _urn, olds, news) => ({ changes: JSON.stringify(olds) !== JSON.stringify(news) }),
    create: async (urn, inputs) => {
        log(`create ${urn}`);
        nextId += 1;
        return { id: `fake-${process.pid}-${nextId}`, outs: { ...inputs, arn: `arn:aws:s3:::${inputs.bucket}` } };
    },
    update: async (_id, urn, _olds, news) => {
        log(`update ${urn}`);
        return { outs: { ...news, arn: `arn:aws:s3:::${news.bucket}` } };
    },
    delete: async (_id, urn) => {
        log(`delete ${urn}`);
    },
}, process.argv.slice(2));
