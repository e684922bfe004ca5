"""Summarise a py-spy raw profile (collapsed stacks) of gunicorn workers: where the time goes.

    python3 bench/load/profile.py mix.txt [--top 40] [--match greenbm]

Prints, for the functions with the most samples, the share of all samples in which they are
on the stack (inclusive) and at its top (own time), so a cost that one request pays in many
small calls (a formatter built per call, a template helper) shows up as one line.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

# py-spy writes "function (file:line)"; the line differs per call site, the function does not.
_LINE = re.compile(r":\d+\)$")


def summarise(path: Path) -> tuple[int, Counter, Counter]:
    """Return the total samples and the inclusive and own samples per function."""
    total, inclusive, own = 0, Counter(), Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = [_LINE.sub(")", f) for f in stack.split(";")]
        # Idle workers wait in select/accept: not time a request costs.
        if frames and ("sleep" in frames[-1] or "wait (" in frames[-1] or "select" in frames[-1]):
            continue
        total += n
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    return total, inclusive, own


def main() -> None:
    """Print the top functions of a profile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="", help="only functions whose text contains this")
    parser.add_argument("--own", action="store_true", help="sort by own time")
    args = parser.parse_args()
    total, inclusive, own = summarise(args.profile)
    ranking = own if args.own else inclusive
    print(f"{total} samples in requests; inclusive % / own %")
    shown = 0
    for frame, _n in ranking.most_common():
        if args.match in frame:
            print(f"{100 * inclusive[frame] / total:6.1f} {100 * own[frame] / total:6.1f}  {frame}")
            shown += 1
            if shown == args.top:
                break


if __name__ == "__main__":
    main()
