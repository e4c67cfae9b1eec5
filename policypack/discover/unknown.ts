/**
 * @pulumi/policy's UnknownValueError: thrown by its proxy when a policy reads an input that is
 * unknown during preview; its server turns that error into one advisory "can't run during preview"
 * diagnostic. The class is exported at run time but stripped from the package's type declarations.
 */

/** The error @pulumi/policy throws on reading an unknown input. */
export interface UnknownValueError extends Error {
    /** The property path that was unknown, e.g. ["assumeRoles"]. */
    props: string[];
}

/**
 * True for @pulumi/policy's own UnknownValueError (and only for it: its server checks instanceof).
 * The package loads only when an error is examined: `aws-root-mfa check` otherwise never needs it.
 */
export function isUnknownValueError(e: unknown): e is UnknownValueError {
    const policy = require("@pulumi/policy") as { UnknownValueError: new (...args: never[]) => UnknownValueError };
    return e instanceof policy.UnknownValueError;
}
