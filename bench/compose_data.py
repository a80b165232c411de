#!/usr/bin/env python3
"""A synthetic data folder larger than one `iijwh generate` writes (20,000 releases at most):
RUNS runs of `generate --releases R --companies C`, the company ids of run b prefixed with
`b{b}` (an id is in its folder names, release.toml, the company record and restatements.csv)
and its names with `{b}-`, so the runs' companies are apart.

    python3 bench/compose_data.py IIJWH OUT RUNS RELEASES COMPANIES
    (2,500 companies x 40 quarters: ... OUT 5 20000 500; then
     bench/market.py --shapes 2500x40 --tmp DIR with OUT = DIR/gen2500x40)
"""
import os
import re
import shutil
import subprocess
import sys


def main(binary, out, runs, releases, companies):
    os.makedirs(f"{out}/companies")
    os.makedirs(f"{out}/releases")
    for b in range(int(runs)):
        scratch = f"{out}.run{b}"
        shutil.rmtree(scratch, ignore_errors=True)
        subprocess.run([binary, "generate", "--releases", releases, "--companies", companies,
                        "--out", scratch], check=True, capture_output=True)

        def rename(text):
            text = re.sub(r"\bsyn\d{3}", lambda m: f"b{b}{m.group(0)}", text)
            return text.replace("Synthetic Company ", f"Synthetic Company {b}-")

        for name in os.listdir(f"{scratch}/companies"):
            text = open(f"{scratch}/companies/{name}").read()
            open(f"{out}/companies/b{b}{name}", "w").write(rename(text))
        for folder in os.listdir(f"{scratch}/releases"):
            for name in ("release.toml", "restatements.csv"):
                path = f"{scratch}/releases/{folder}/{name}"
                if os.path.exists(path):
                    text = rename(open(path).read())
                    open(path, "w").write(text)
            os.rename(f"{scratch}/releases/{folder}", f"{out}/releases/b{b}{folder}")
        shutil.rmtree(scratch)
        print(f"run {b}: {releases} releases of {companies} companies", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
