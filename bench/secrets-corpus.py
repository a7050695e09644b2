#!/usr/bin/env python3
"""Builds the secrets-gate benchmark corpus, deterministically for a given machine.

usage: bench/secrets-corpus.py OUT_DIR [--mb 200] [--secrets 50] [--seed 20261129]

OUT_DIR/corpus/   ~MB megabytes of text: the text files of /usr/include then /usr/share/doc (.gz
                  ones gunzipped), copied in sorted path order until the size is reached (binary
                  files, by git's rule of a NUL byte in the first 8000 bytes, are left out), with SECRETS secrets planted
                  into seeded random files and lines, and a few negative files (placeholders,
                  inline allows) under corpus/zz-negatives/.
OUT_DIR/planted.tsv      path<TAB>line<TAB>rule<TAB>secret, one planted secret a line
OUT_DIR/negatives.tsv    path<TAB>what: files in which no finding is expected
OUT_DIR/manifest.sha256  SHA-256 of the sorted file list with sizes: the corpus's identity

Tokens are random but seeded, with the shapes the providers issue (prefixes, lengths, alphabets),
so they are not real credentials. Lines are inserted (not replaced), each planted file gets one
secret, so the recorded line numbers are exact.
"""
import argparse
import base64
import gzip
import hashlib
import os
import random
import shutil
import string
import sys

SOURCES = ["/usr/include", "/usr/share/doc"]
ALNUM = string.ascii_letters + string.digits
UPPER_NUM = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "_-"
BAD = ("example", "xxxx", "changeme", "placeholder", "your", "dummy", "redacted", "****",
       "0000000000", "replace")


def rand(rng, alphabet, n):
    while True:
        s = "".join(rng.choice(alphabet) for _ in range(n))
        if not any(b in s.lower() for b in BAD):
            return s


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# Each maker returns (rule id, secret, lines to insert, index of the line holding the secret).
def aws_key_id(rng):
    s = "AKIA" + rand(rng, UPPER_NUM, 16)
    return "aws-access-key-id", s, [f'AWS_ACCESS_KEY_ID="{s}"'], 0


def aws_secret(rng):
    s = rand(rng, B64, 40)
    return "aws-secret-access-key", s, [f"aws_secret_access_key = {s}"], 0


def github_pat(rng):
    s = "ghp_" + rand(rng, ALNUM, 36)
    return "github-pat", s, [f'static const char *gh_token = "{s}";'], 0


def github_fine(rng):
    s = "github_pat_" + rand(rng, ALNUM + "_", 82)
    return "github-fine-grained-pat", s, [f"export GH_TOKEN={s}"], 0


def gitlab_pat(rng):
    s = "glpat-" + rand(rng, URLSAFE, 20)
    return "gitlab-pat", s, [f'  "gitlab": "{s}",'], 0


def slack_bot(rng):
    s = f"xoxb-{rand(rng, string.digits, 11)}-{rand(rng, string.digits, 13)}-{rand(rng, ALNUM, 24)}"
    return "slack-bot-token", s, [f"SLACK_BOT_TOKEN: {s}"], 0


def slack_webhook(rng):
    s = ("https://hooks.slack.com/services/T" + rand(rng, UPPER_NUM, 8) + "/B" +
         rand(rng, UPPER_NUM, 10) + "/" + rand(rng, ALNUM, 24))
    return "slack-webhook-url", s, [f"   webhook: {s}"], 0


def stripe_live(rng):
    s = "sk_live_" + rand(rng, ALNUM, 24)
    return "stripe-live-secret-key", s, [f"Stripe.api_key = '{s}'"], 0


def gcp_api_key(rng):
    s = "AIza" + rand(rng, URLSAFE, 35)
    return "gcp-api-key", s, [f'#define MAPS_KEY "{s}"'], 0


def npm_token(rng):
    s = "npm_" + rand(rng, ALNUM, 36)
    return "npm-access-token", s, [f"//registry.npmjs.org/:_authToken={s}"], 0


def openai_project(rng):
    s = "sk-proj-" + rand(rng, URLSAFE, 48)
    return "openai-project-key", s, [f'OPENAI_API_KEY="{s}"'], 0


def anthropic(rng):
    s = "sk-ant-api03-" + rand(rng, URLSAFE, 93) + "AA"
    return "anthropic-api-key", s, [f"client = Anthropic(api_key='{s}')"], 0


def sendgrid(rng):
    s = "SG." + rand(rng, URLSAFE, 22) + "." + rand(rng, URLSAFE, 43)
    return "sendgrid-api-key", s, [f"SENDGRID={s}"], 0


def digitalocean(rng):
    s = "dop_v1_" + rand(rng, HEX, 64)
    return "digitalocean-token", s, [f"do_token: {s}"], 0


def shopify(rng):
    s = "shpat_" + rand(rng, HEX, 32)
    return "shopify-access-token", s, [f"X-Shopify-Access-Token: {s}"], 0


def huggingface(rng):
    s = "hf_" + rand(rng, string.ascii_letters, 34)
    return "huggingface-token", s, [f"HF_TOKEN={s}"], 0


def postgres(rng):
    pw = rand(rng, ALNUM, 18)
    return "postgres-connection-url", pw, [
        f"DATABASE_URL=postgres://app:{pw}@db.internal.lan:5432/prod"], 0


def jwt(rng):
    head = b64url(b'{"alg":"HS256","typ":"JWT"}')
    body = b64url(('{"sub":"%s","iat":%d}' % (rand(rng, ALNUM, 12),
                                              1700000000 + rng.randrange(10**7))).encode())
    s = f"{head}.{body}.{rand(rng, URLSAFE, 43)}"
    return "jwt", s, [f"Authorization: Bearer {s}"], 0


def private_key(rng):
    body = [rand(rng, B64, 64) for _ in range(12)]
    lines = ["-----BEGIN RSA PRIVATE KEY-----"] + body + ["-----END RSA PRIVATE KEY-----"]
    return "private-key", lines[0], lines, 0


def generic(rng):
    s = rand(rng, ALNUM + "!#%&*+-./=?@^_~", 20)
    return "generic-secret-assignment", s, [f'db_password = "{s}"'], 0


MAKERS = [aws_key_id, aws_secret, github_pat, github_fine, gitlab_pat, slack_bot, slack_webhook,
          stripe_live, gcp_api_key, npm_token, openai_project, anthropic, sendgrid, digitalocean,
          shopify, huggingface, postgres, jwt, private_key, generic]

NEGATIVES = {
    "aws-docs-example.md": [
        "The documentation's own key pair, never valid:",
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ],
    "placeholders.env": [
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        'password = "changeme"',
        "api_key = ${API_KEY}",
        "STRIPE_KEY=sk_live_<your-key-here>",
        "token: {{ .Values.token }}",
        "SLACK_BOT_TOKEN=xoxb-your-token-here",
    ],
    "allowed-inline.py": [
        "# a test fixture that is known and accepted",
        'FIXTURE = "ghp_Q3tX9vLm2Zb7Rk4Wn8Pc1Hy6Js5Dg0Fa2Ek7"  # launchgate:allow',
    ],
}


def read(path):
    """The file's bytes, gunzipped when it ends in .gz (Debian compresses most docs)."""
    if path.endswith(".gz"):
        try:
            with gzip.open(path, "rb") as f:
                return f.read()
        except (OSError, EOFError):
            return b"\0"
    with open(path, "rb") as f:
        return f.read()


def collect(limit):
    files = []
    total = 0
    for root in SOURCES:
        found = []
        for d, dirs, names in os.walk(root):
            dirs.sort()
            for n in names:
                p = os.path.join(d, n)
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                found.append(p)
        for p in sorted(found):
            if total >= limit:
                return files, total
            data = read(p)
            if b"\0" in data[:8000]:
                continue
            files.append(p)
            total += len(data)
    return files, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--secrets", type=int, default=50)
    ap.add_argument("--seed", type=int, default=20261129)
    a = ap.parse_args()

    corpus = os.path.join(a.out, "corpus")
    if os.path.exists(corpus):
        shutil.rmtree(corpus)
    files, total = collect(a.mb * 1000 * 1000)
    rels = []
    for src in files:
        root = SOURCES[0] if src.startswith(SOURCES[0] + "/") else SOURCES[1]
        rel = os.path.relpath(src.removesuffix(".gz"), os.path.dirname(root))
        dst = os.path.join(corpus, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(read(src))
        rels.append(rel)

    rng = random.Random(a.seed)
    # Files of some size, so that a line inserted at random lands inside text.
    candidates = [r for r in rels if os.path.getsize(os.path.join(corpus, r)) > 2000]
    chosen = rng.sample(candidates, a.secrets)
    planted = []
    for i, rel in enumerate(chosen):
        rule, secret, lines, at = MAKERS[i % len(MAKERS)](rng)
        path = os.path.join(corpus, rel)
        with open(path, "rb") as f:
            text = f.read().split(b"\n")
        where = rng.randrange(1, max(2, len(text) - 1))
        text[where:where] = [l.encode() for l in lines]
        with open(path, "wb") as f:
            f.write(b"\n".join(text))
        planted.append((os.path.join("corpus", rel), where + 1 + at, rule, secret))

    neg_dir = os.path.join(corpus, "zz-negatives")
    os.makedirs(neg_dir, exist_ok=True)
    negatives = []
    for name, lines in NEGATIVES.items():
        with open(os.path.join(neg_dir, name), "w") as f:
            f.write("\n".join(lines) + "\n")
        negatives.append((os.path.join("corpus", "zz-negatives", name), lines[1][:40]))

    with open(os.path.join(a.out, "planted.tsv"), "w") as f:
        for p in planted:
            f.write("\t".join(str(x) for x in p) + "\n")
    with open(os.path.join(a.out, "negatives.tsv"), "w") as f:
        for n in negatives:
            f.write("\t".join(n) + "\n")
    h = hashlib.sha256()
    count = 0
    size = 0
    for d, dirs, names in os.walk(corpus):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(d, n)
            s = os.path.getsize(p)
            h.update(f"{os.path.relpath(p, corpus)}\t{s}\n".encode())
            count += 1
            size += s
    with open(os.path.join(a.out, "manifest.sha256"), "w") as f:
        f.write(f"{h.hexdigest()} {count} files {size} bytes\n")
    print(f"corpus: {count} files, {size / 1e6:.1f} MB, {len(planted)} planted, "
          f"{len(negatives)} negative files, manifest {h.hexdigest()[:16]}")


if __name__ == "__main__":
    sys.exit(main())
