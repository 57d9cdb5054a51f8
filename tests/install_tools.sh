#!/bin/sh
# `make tools`: install the Debian packages the tests drive, when they are
# missing and this user may install them (root, or sudo without a password):
# Chromium for the browser tests (tests/test_browser.py), a Java runtime for
# Jing and the Nu HTML Checker, and biber, BibLaTeX's processor, which checks the
# .bib against BibLaTeX's data model (tests/test_reference_managers.py; Perl
# only, no TeX: about 40 s), and Node.js, which runs citeproc-js
# (tests/test_citeproc_js.py). Nothing to do when all are there.
#
# When they cannot be installed this prints nothing and exits 0: pytest then
# says, in one line, which tests did not run and the command that installs
# what they need (tests/conftest.py). Under CI (CI=true) a package that is
# still missing fails here, loudly.
set -u

missing=""
if ! command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1 \
        && ! command -v chromium-browser >/dev/null 2>&1; then
    missing=" chromium"
fi
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
command -v biber >/dev/null 2>&1 || missing="$missing biber"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
[ -n "$missing" ] || exit 0

fail() {
    if [ "${CI:-}" = "true" ]; then
        echo "make tools: error: $1; the tests need:$missing (run: apt-get install$missing as root)" >&2
        exit 1
    fi
    exit 0
}

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
else
    fail "not root, and sudo asks for a password"
fi
command -v apt-get >/dev/null 2>&1 || fail "no apt-get (not a Debian system)"

echo "make tools: apt-get install$missing (for the tests)"
# shellcheck disable=SC2086 # $as_root and $missing are lists of words
$as_root apt-get update -qq \
    && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing \
    || fail "apt-get install$missing failed"
