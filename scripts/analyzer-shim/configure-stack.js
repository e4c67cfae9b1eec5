// Preloaded by ./aws-root-mfa into the pack's process (`node -r`). The Pulumi CLI hands a pack it
// runs through the nodejs language host its organization, project, stack, preview flag and stack
// config as PULUMI_NODEJS_* / PULUMI_CONFIG environment variables; a binary analyzer plugin, which
// is what this shim is, gets none of them, only the same values in the ConfigureStack call
// (pulumirpc.AnalyzerStackConfigureRequest). @pulumi/policy reads only that call's tags, so here its
// handler is wrapped to put the rest where @pulumi/pulumi reads them, as the nodejs host would
// have: without it a preview looks like an update, and the update-only gate would run in preview.
"use strict";
const path = require("node:path");

const packDir = process.cwd();
const fromPack = (name) => require(require.resolve(name, { paths: [path.dirname(require.resolve("@pulumi/policy", { paths: [packDir] }))] }));
const grpc = fromPack("@grpc/grpc-js");
const settings = require(require.resolve("@pulumi/pulumi/runtime/settings", { paths: [packDir] }));
const config = require(require.resolve("@pulumi/pulumi/runtime/config", { paths: [packDir] }));

const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service, implementation) {
    if (typeof implementation?.configureStack === "function") {
        const configureStack = implementation.configureStack;
        implementation = {
            ...implementation,
            configureStack(call, callback) {
                const request = call.request;
                const names = { ORGANIZATION: request.getOrganization(), PROJECT: request.getProject(), STACK: request.getStack() };
                for (const [name, value] of Object.entries(names)) {
                    if (value) {
                        process.env[`PULUMI_NODEJS_${name}`] = value;
                        process.env[`PULUMI_${name}`] = value;
                    }
                }
                const dryRun = request.getDryRun();
                process.env.PULUMI_NODEJS_DRY_RUN = String(dryRun);
                process.env.PULUMI_DRY_RUN = String(dryRun);
                settings._setIsDryRun(dryRun);
                const stackConfig = Object.fromEntries(request.getConfigMap().entries());
                if (Object.keys(stackConfig).length > 0) {
                    config.setAllConfig(stackConfig, request.getConfigSecretKeysList());
                }
                return configureStack.call(this, call, callback);
            },
        };
    }
    return addService.call(this, service, implementation);
};
