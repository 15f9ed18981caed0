#!/usr/bin/env python3
"""Where the CPU goes in a JFR recording of the Sideview service (see docs/benchmarks.md).

  bench/jfr-top.py [--top N] [--depth D] [--group-top N] [--match TEXT ...] [--cpu] [--alloc] [--native] FILE.jfr
  e.g. bench/jfr-top.py --cpu --alloc --group-top 10 --match toSummaryString /tmp/sideview-ingest-bench.*/rocksdb-none/sideview.jfr

Reads the jdk.ExecutionSample events (threads caught running Java code; GC, JIT and other VM threads
are never sampled) with the JDK's `jfr` tool and prints
  (a) samples per thread group (binlog readers, engine poll/handleBatch, engine convert pool, apply
      lanes, WAL consumer, Kafka client, Jetty, ...), grouped by the thread names the service and
      its libraries give (ShardEngine "cdc-*"/"backfill-*", EdgeWriter "edge-apply-N", WalConsumer
      "wal-consumer", the binlog client "blc-<host>:<port>", Jetty "dw-*") and, for the anonymous
      "pool-N-thread-M" threads of Debezium's AsyncEmbeddedEngine, by what their stack runs;
  (b) the top self frames (the method on top of the stack), overall and per group (--group-top);
  (c) the top inclusive frames (samples with the method anywhere on the stack, counted once per
      sample) of io.sideview.* and of io.debezium.* / com.github.shyiko.*;
  (d) with --match TEXT: samples whose stack holds a frame containing TEXT, per group.
--cpu adds the CPU the JVM measured per Java thread (jdk.ThreadCPULoad, every 10 s with settings=profile;
unlike the samples it includes time in native code such as RocksDB's JNI calls) per group, and the GC's
CPU time (jdk.GCCPUTime).
--alloc adds the sampled allocation (jdk.ObjectAllocationSample weight) per group and per site, and per --match.
--native adds jdk.NativeMethodSample (threads inside a native method: RocksDB JNI calls, but also
threads blocked in a socket read, so not CPU) per group and top native frame.
A .json file (the output of `jfr print --json`) is read as is.
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys

# (group, thread-name regex, stack substring or None); the first match wins.
GROUPS = [
    ("binlog keep-alive (blc-keepalive)", r"^blc-keepalive", None),
    ("binlog reader (Debezium blc-*)", r"^blc-", None),
    ("engine poll -> handleBatch (Debezium async engine pool)", r"^pool-\d+-thread-", "AsyncEmbeddedEngine$PollRecords"),
    ("engine convert (Debezium async engine pool)", r"^pool-\d+-thread-", "embedded/async/ProcessingCallables"),
    ("engine supervise (cdc-*)", r"^cdc-", None),
    ("history copy (backfill-*)", r"^backfill-", None),
    ("apply lanes (edge-apply-*)", r"^edge-apply-", None),
    ("wal-consumer", r"^wal-consumer$", None),
    ("kafka client threads", r"^kafka-|^sideview-wal", None),
    ("offset store (FileOffsetBackingStore / KafkaBasedLog)", r"^FileOffsetBackingStore|^KafkaBasedLog", None),
    ("debezium other (debezium-*)", r"^debezium-|^change-event-source", None),
    ("jetty (dw-*)", r"^dw-|^qtp", None),
    ("jobs", r"^job", None),
    ("other pool-* threads", r"^pool-\d+-thread-", None),
    ("JIT compiler threads", r"^C[12] CompilerThread", None),
    ("JFR / JVM service threads", r"^JFR |^Common-Cleaner|^Reference Handler|^Finalizer|^Signal|^DestroyJavaVM|^Service Thread|^Sweeper|^Monitor Deflation", None),
]


def frame_name(f):
    m = f["method"]
    return m["type"]["name"].replace("/", ".") + "." + m["name"]


def thread_name(v):
    t = v.get("sampledThread") or v.get("eventThread") or {}
    return t.get("javaName") or t.get("osName") or "?"


def group_of(name, frames):
    for g, rx, needle in GROUPS:
        if re.search(rx, name) and (needle is None or any(needle in (f["method"]["type"]["name"] + "." + f["method"]["name"]) for f in frames)):
            return g
    return "other: " + re.sub(r"\d+", "N", name)


def jfr_tool():
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "jfr")):
        return os.path.join(home, "bin", "jfr")
    found = shutil.which("jfr")
    if not found:
        sys.exit("jfr-top: the JDK's jfr tool is not on PATH (set JAVA_HOME)")
    return found


def load(path, events, depth):
    if path.endswith(".json"):
        with open(path) as fh:
            return json.load(fh)["recording"]["events"]
    out = subprocess.run([jfr_tool(), "print", "--json", "--events", ",".join(events), "--stack-depth", str(depth), path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def ms(d):
    """A JFR duration from `jfr print --json` ("PT0.06S", or nanoseconds as a number) in milliseconds."""
    if d is None:
        return 0.0
    if isinstance(d, (int, float)):
        return d / 1e6
    m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", d)
    return 0.0 if not m else 1000 * (int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60 + float(m.group(3) or 0))


def pct(n, total):
    return f"{100.0 * n / total:5.1f} %" if total else "  -  "


def table(title, counter, total, top, width=100):
    print(f"\n## {title}\n")
    for k, n in counter.most_common(top):
        print(f"{n:7d}  {pct(n, total)}  {k[:width]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file", help="a .jfr recording (or the JSON of `jfr print --json`)")
    ap.add_argument("--top", type=int, default=25, help="rows per table (25)")
    ap.add_argument("--depth", type=int, default=128, help="stack depth read from the recording (128)")
    ap.add_argument("--group-top", type=int, default=0, help="also print the top N self frames of each group")
    ap.add_argument("--match", action="append", default=[], help="count samples whose stack has a frame containing TEXT (repeatable)")
    ap.add_argument("--native", action="store_true", help="also summarise jdk.NativeMethodSample")
    ap.add_argument("--alloc", action="store_true", help="also summarise jdk.ObjectAllocationSample (weight) per group and site")
    ap.add_argument("--cpu", action="store_true", help="also summarise jdk.ThreadCPULoad per group and jdk.GCCPUTime")
    a = ap.parse_args()

    events = ["jdk.ExecutionSample"] + (["jdk.NativeMethodSample"] if a.native else []) \
        + (["jdk.ThreadCPULoad", "jdk.GCCPUTime", "jdk.CPULoad"] if a.cpu else []) \
        + (["jdk.ObjectAllocationSample"] if a.alloc else [])
    evs = load(a.file, events, a.depth)
    samples = [e for e in evs if e["type"] == "jdk.ExecutionSample"]
    natives = [e for e in evs if e["type"] == "jdk.NativeMethodSample"]
    total = len(samples)
    if not total:
        sys.exit("jfr-top: no jdk.ExecutionSample events in " + a.file)

    groups, threads = collections.Counter(), collections.Counter()
    group_of_thread = {}
    self_all, self_by_group = collections.Counter(), collections.defaultdict(collections.Counter)
    incl_sv, incl_dbz = collections.Counter(), collections.Counter()
    matches = collections.defaultdict(collections.Counter)
    truncated = 0
    times = []
    for e in samples:
        v = e["values"]
        frames = v["stackTrace"]["frames"] if v.get("stackTrace") else []
        truncated += bool(v.get("stackTrace") and v["stackTrace"].get("truncated"))
        times.append(v["startTime"])
        name = thread_name(v)
        g = group_of(name, frames)
        group_of_thread.setdefault(name, g)
        groups[g] += 1
        threads[name] += 1
        top = frame_name(frames[0]) if frames else "(no stack)"
        self_all[top] += 1
        self_by_group[g][top] += 1
        names = [frame_name(f) for f in frames]
        seen = set(names)
        for n in seen:
            if n.startswith("io.sideview."):
                incl_sv[n] += 1
            elif n.startswith("io.debezium.") or n.startswith("com.github.shyiko."):
                incl_dbz[n] += 1
        for m in a.match:
            if any(m in n for n in names):
                matches[m][g] += 1

    times.sort()
    print(f"# {os.path.basename(a.file)}: {total} execution samples, {times[0]} .. {times[-1]}"
          f"{f', {truncated} stacks truncated at depth {a.depth}' if truncated else ''}")
    table("(a) samples per thread group (share of all execution samples)", groups, total, 50)
    table("    per thread", threads, total, a.top)
    table("(b) top self frames", self_all, total, a.top)
    if a.group_top:
        for g, n in groups.most_common():
            table(f"    self frames of {g} ({n} samples; % of all samples)", self_by_group[g], total, a.group_top)
    table("(c) top inclusive frames of io.sideview.* (samples with the method on the stack)", incl_sv, total, a.top)
    table("    top inclusive frames of io.debezium.* / com.github.shyiko.*", incl_dbz, total, a.top)
    for m in a.match:
        c = matches[m]
        print(f"\n## (d) samples with a frame containing '{m}': {sum(c.values())} ({pct(sum(c.values()), total).strip()} of all)")
        for g, n in c.most_common():
            print(f"{n:7d}  {pct(n, total)} of all, {pct(n, groups[g])} of its group  {g}")
    if a.cpu:
        cpu, per_thread, seen_thread = collections.Counter(), collections.Counter(), set()
        for e in sorted((e for e in evs if e["type"] == "jdk.ThreadCPULoad"), key=lambda e: e["values"]["startTime"]):
            v = e["values"]
            t = v.get("eventThread") or {}
            name = t.get("javaName") or t.get("osName") or "?"
            if name not in seen_thread:
                # A thread's first reading covers the time before the recording started: skipped.
                seen_thread.add(name)
                continue
            x = (v.get("user") or 0) + (v.get("system") or 0)
            cpu[group_of_thread.get(name) or group_of(name, [])] += x
            per_thread[name] += x
        gc = sum(ms(e["values"].get("userTime")) + ms(e["values"].get("systemTime")) for e in evs if e["type"] == "jdk.GCCPUTime")
        jvm = [(e["values"].get("jvmUser") or 0) + (e["values"].get("jvmSystem") or 0) for e in evs if e["type"] == "jdk.CPULoad"]
        tot = sum(cpu.values())
        print("\n# jdk.ThreadCPULoad: CPU of Java threads incl. native code and the JIT (shares of their sum; each thread's first"
              "\n# reading skipped; GC and RocksDB's own background threads not included)")
        for g, x in cpu.most_common():
            if x > 0:
                print(f"         {pct(x, tot)}  {g}")
        print(f"\n# GC CPU (jdk.GCCPUTime, user+system): {gc / 1000:.1f} s; JVM CPU load (jdk.CPULoad, share of all cores) "
              f"averaged {100 * sum(jvm) / len(jvm) if jvm else 0:.0f} % over {len(jvm)} readings")
    if a.alloc:
        ag, site, amatch = collections.Counter(), collections.Counter(), collections.Counter()
        for e in evs:
            if e["type"] != "jdk.ObjectAllocationSample":
                continue
            v = e["values"]
            frames = v["stackTrace"]["frames"] if v.get("stackTrace") else []
            w = v.get("weight") or 0
            ag[group_of_thread.get(thread_name(v)) or group_of(thread_name(v), frames)] += w
            names = [frame_name(f) for f in frames]
            for m in a.match:
                if any(m in n for n in names):
                    amatch[m] += w
            # The allocating frame, and the first io.sideview / io.debezium / shyiko frame that led to it.
            own = next((n for n in names if n.startswith(("io.sideview.", "io.debezium.", "com.github.shyiko."))), "")
            cls = ((v.get("objectClass") or {}).get("name") or "?").replace("/", ".")
            site[f"{cls} @ {names[0] if names else '?'}  <  {own}"] += w
        tot = sum(ag.values())
        print(f"\n# jdk.ObjectAllocationSample: {tot / 2**30:.1f} GiB sampled allocation weight")
        for g, w in ag.most_common():
            print(f"{w / 2**20:9.0f} MiB  {pct(w, tot)}  {g}")
        for m in a.match:
            print(f"{amatch[m] / 2**20:9.0f} MiB  {pct(amatch[m], tot)}  with a frame containing '{m}' on the stack")
        print()
        for k, w in site.most_common(a.top):
            print(f"{w / 2**20:9.0f} MiB  {pct(w, tot)}  {k[:200]}")
    if a.native:
        ng, nf = collections.Counter(), collections.Counter()
        for e in natives:
            v = e["values"]
            frames = v["stackTrace"]["frames"] if v.get("stackTrace") else []
            g = group_of(thread_name(v), frames)
            ng[g] += 1
            nf[g + "  |  " + (frame_name(frames[0]) if frames else "(no stack)")] += 1
        print(f"\n# jdk.NativeMethodSample: {len(natives)} samples (threads inside a native method; includes blocked I/O, not CPU)")
        table("native samples per thread group", ng, len(natives), 50)
        table("native samples per group and native frame", nf, len(natives), a.top, 160)


if __name__ == "__main__":
    main()
