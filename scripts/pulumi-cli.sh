#!/usr/bin/env bash
# Makes the real Pulumi CLI available to the end-to-end tests and prints a PATH prefix holding:
#   pulumi                  the version of the @pulumi/pulumi this pack depends on (any 3.x `pulumi`
#                           already on PATH serves instead)
#   pulumi-language-yaml    the YAML language host that runs the test program
# (The pack itself runs through scripts/analyzer-shim/aws-root-mfa: see the README.)
# Missing binaries are built from the Go module proxy into a cache outside the checkout
# ($AWS_ROOT_MFA_CACHE, default ~/.cache/aws-root-mfa) and reused from there; a build log sits
# beside each build. Needs `go` only when something must be built.
#
#   export PATH="$(scripts/pulumi-cli.sh):$PATH"
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${AWS_ROOT_MFA_CACHE:-$HOME/.cache/aws-root-mfa}"
pulumi_version="$(node -p 'require(process.argv[1]).dependencies["@pulumi/pulumi"]' "$repo/package.json")"
yaml_version=1.25.0

fail() {
    echo "scripts/pulumi-cli.sh: $*" >&2
    exit 1
}

# Runs build.sh in a cache directory under a lock, so two runs never build the same thing at once.
build_in() {
    local dir="$1" what="$2"
    command -v go >/dev/null || fail "$what is not built yet and \`go\` is not installed; install Go (https://go.dev/dl/) or put $what on PATH"
    echo "Building $what into $dir (a cold build takes minutes; log: $dir/build.log)" >&2
    local start=$SECONDS
    if ! (cd "$dir" && bash build.sh >build.log 2>&1); then
        tail -n 20 "$dir/build.log" >&2
        fail "building $what failed; the full log is $dir/build.log"
    fi
    echo "Built $what in $((SECONDS - start)) s" >&2
}

# Builds a binary into <dir>/bin unless it is there and reports the expected version.
ensure_built() {
    local dir="$1" binary="$2" version_check="$3" what="$4" script="$5"
    mkdir -p "$dir"
    exec 9>"$dir/.lock"
    flock 9
    if ! { [ -x "$dir/bin/$binary" ] && eval "$version_check"; }; then
        printf '%s\n' "$script" >"$dir/build.sh"
        build_in "$dir" "$what"
        eval "$version_check" || fail "$dir/bin/$binary was built but does not report $what"
    fi
    exec 9>&-
}

dirs=()

# pulumi: on PATH (major 3) or built from the wrapper module (DESIGN.md §8: pkg/go.mod's replace
# lines make `go install` fail, so the non-local replace is copied into a wrapper module).
if existing="$(command -v pulumi)" && [[ "$("$existing" version 2>/dev/null)" == v3.* ]]; then
    dirs+=("$(dirname "$existing")")
else
    pdir="$cache/pulumi-v$pulumi_version"
    ensure_built "$pdir" pulumi '[ "$("$dir/bin/pulumi" version 2>/dev/null)" = "v$pulumi_version" ]' "pulumi v$pulumi_version" "set -e
V=$pulumi_version
[ -f go.mod ] || go mod init pulumi-build >/dev/null 2>&1
go mod edit -replace github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
go get github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v\$V github.com/pulumi/pulumi/sdk/v3@v\$V
CGO_ENABLED=0 go build -trimpath -ldflags \"-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v\$V\" -o bin/ github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
    dirs+=("$pdir/bin")
fi

# pulumi-language-yaml: on PATH or built (pulumi-yaml's go.mod has no replace lines: go install works).
if ! command -v pulumi-language-yaml >/dev/null; then
    ydir="$cache/pulumi-language-yaml-v$yaml_version"
    ensure_built "$ydir" pulumi-language-yaml '"$dir/bin/pulumi-language-yaml" --help >/dev/null 2>&1 || [ $? -lt 126 ]' "pulumi-language-yaml v$yaml_version" "set -e
V=$yaml_version
GOBIN=\"\$PWD/bin\" CGO_ENABLED=0 go install -trimpath -ldflags \"-X github.com/pulumi/pulumi-yaml/pkg/version.Version=v\$V\" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v\$V"
    dirs+=("$ydir/bin")
fi

(IFS=:; echo "${dirs[*]}")
