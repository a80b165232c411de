#!/usr/bin/env python3
"""Real releases without an answer key, drafted as a new company would be (release new, release
draft, load): rows, certain, and whether every rule passes loaded as drafted. A check that the
reading generalises beyond the releases the keys measure.  python3 bench/draft_heldout.py"""
import os, shutil, subprocess, tempfile, re
ROOT=os.path.dirname(os.path.dirname(os.path.abspath(__file__))); REAL=os.path.join(os.path.dirname(ROOT), "shared", "sources", "real"); BIN=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/iijwh/target")), "release", "iijwh")
cases=[("oracle-FY2014Q4","oracle","4Q14","2014-06-19",["--fiscal-year-start","6","--fiscal-year-named-by","end_year"]),
 ("oracle-FY2022Q4","oracle","4Q22","2022-06-13",["--fiscal-year-start","6","--fiscal-year-named-by","end_year"]),
 ("apple-FY2004Q3","apple","3Q04","2004-07-14",["--fiscal-year-start","10","--fiscal-year-named-by","end_year","--fiscal-year-end","last Saturday of September"]),
 ("southern-2004Q4","southern","4Q04","2005-01-26",["--fiscal-year-start","1","--fiscal-year-named-by","end_year"]),
 ("nvidia-FY2024Q3","nvidia","3Q24","2023-11-21",["--fiscal-year-start","2","--fiscal-year-named-by","end_year","--fiscal-year-end","last Sunday of January"])]
for folder,co,period,pub,flags in cases:
    with tempfile.TemporaryDirectory() as tmp:
        # IIJ's release alone: the company drafted is new to the warehouse, as it was for data/.
        data=os.path.join(tmp,"data"); os.makedirs(os.path.join(data,"companies")); shutil.copy(os.path.join(ROOT,"data","companies","iij.toml"),os.path.join(data,"companies")); shutil.copytree(os.path.join(ROOT,"data","releases","iij-2q06"),os.path.join(data,"releases","iij-2q06"))
        env=dict(os.environ,IIJWH_HOME=ROOT,IIJWH_DATA=data,IIJWH_WAREHOUSE=os.path.join(tmp,"wh"))
        run=lambda *a: subprocess.run([BIN,*a],env=env,capture_output=True,text=True)
        rid=f"{co}-x"
        r=run("release","new",rid,"--company",co,"--name",co,"--currency","USD","--unit","USD million","--period",period,"--published-on",pub,"--source",os.path.join(REAL,folder,"source.txt"),*flags)
        if r.returncode: print(folder,"new failed",r.stderr.strip()[:200]); continue
        d=run("release","draft",rid); l=run("load")
        m=re.search(r"(\d+) rows \((\d+) certain",d.stdout)
        rules=re.search(r"\d+ check rules: .*",l.stdout+l.stderr)
        print(f"{folder}: {m.group(1) if m else 0} rows, {m.group(2) if m else 0} certain; load: {rules.group(0) if rules else (l.stderr.strip()[:200])}")
