"""Command line: ``python -m lossbook verify|cards ...``; one function a subcommand.

``python -m lossbook verify [--json] [--module FILE ...] [--only ID ...]``

``verify`` re-checks every registered claim (every derivation in the book) and every
erratum, printing one line each: id, chapter, how it was checked (``symbolic``,
``concrete n=a..b``, ``numeric``), pass/fail, seconds. ``--json`` prints
``{"claims": [{"id", "chapter", "method", "status", "seconds", "detail"}], "errata": [...]}``.
``--module FILE`` also loads a chain module from a file (repeatable; the tests use it
to register a deliberately failing claim). ``--only ID`` restricts the run to the
claims and errata with that id or chapter (repeatable). Exit status 1 if anything fails.
Nothing is cached: each run builds every derivation afresh. ``--cards FILE`` also
writes the flash-card deck from the derivations just checked, if everything passed
(one build of each chain serves both; its summary line goes to stderr).

``python -m lossbook exercises [--chapter chNN] [--reset]`` lists every exercise by
chapter with the student's status (``[x]`` answered correctly, with the date) from the
progress file of :mod:`lossbook.progress`; ``--reset`` forgets every answer.

``python -m lossbook cards -o lossbook.apkg [--only ID ...]`` builds (and so checks)
every claim and writes the Anki deck of :mod:`lossbook.cards` (needs ``genanki``);
exit status 1 if a claim fails (no deck is written then).
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def _verify(args) -> int:
    from .chains import verify

    t0 = time.perf_counter()
    built: dict = {}
    result = verify(extra_files=args.module or (), only=set(args.only) if args.only else None,
                    keep=built)
    total = time.perf_counter() - t0
    failed = [r for r in result["claims"] + result["errata"] if r["status"] != "pass"]
    if args.cards and not failed:  # the deck from the chains just checked
        from .cards import write_deck

        made = write_deck(args.cards, only=set(built), built=built)
        print(f"{made['cards']} cards in {made['decks']} chapter decks -> {made['path']}",
              file=sys.stderr)
    if args.json:
        result["seconds"] = round(total, 3)
        print(json.dumps(result, indent=1))
    else:
        width = max([len(r["id"]) for r in result["claims"]] + [10])
        for r in result["claims"]:
            print(f"{r['id']:<{width}}  {r['chapter']:<5}  {r['method']:<22}  "
                  f"{r['status'].upper():<4}  {r['seconds']:7.2f} s")
            if r["status"] != "pass":
                print("    " + r["detail"].replace("\n", "\n    "))
        for r in result["errata"]:
            print(f"erratum {r['label']:<40}  {r['chapter'] or '':<5}  "
                  f"{r['status'].upper():<4}  {r['seconds']:7.2f} s  "
                  f"({r['detail'].splitlines()[0]})")
            if r["status"] != "pass":
                print("    " + r["detail"].replace("\n", "\n    "))
        print(f"{len(result['claims'])} claims, {len(result['errata'])} errata, "
              f"{len(failed)} failed, {total:.1f} s")
    return 1 if failed else 0


def _exercises(args) -> int:
    from . import exercises, progress

    if args.reset:
        file = progress.reset()
        print(f"progress reset ({file})" if file else f"no progress is kept ({progress.ENV}=off)")
        return 0
    file = progress.path()
    done = progress.solved()
    ids = [i for i in exercises.ids() if not args.chapter or i.startswith(args.chapter + "-")]
    if not ids:
        print(f"no exercise in chapter {args.chapter!r}" if args.chapter else "no exercises")
        return 1
    where = file if file else f"none ({progress.ENV}=off)"
    print(f"Progress file: {where}")
    by_chapter: dict[str, list[str]] = {}
    for exercise_id in ids:
        by_chapter.setdefault(exercise_id.split("-")[0], []).append(exercise_id)
    for chapter, members in by_chapter.items():
        solved = sum(i in done for i in members)
        print(f"\n{chapter}  ({solved} of {len(members)} solved)")
        for exercise_id in members:
            ex = exercises.get(exercise_id)
            mark = f"[x] {done[exercise_id][:10]}" if exercise_id in done else "[ ]" + " " * 11
            question = " ".join(ex.question.split())
            question = question if len(question) <= 64 else question[:61] + "..."
            print(f"  {mark}  {exercise_id:<9} {ex.kind:<11} {question}")
    total = sum(i in done for i in ids)
    print(f"\n{total} of {len(ids)} exercises solved. Check an answer with "
          "lb.exercises.check(id, answer).")
    return 0


def _cards(args) -> int:
    from .cards import write_deck
    from .derivation import DerivationError

    t0 = time.perf_counter()
    try:
        made = write_deck(args.output, only=set(args.only) if args.only else None)
    except DerivationError as err:  # a claim failed: no deck from an unchecked chain
        print(f"no deck written: a claim failed its check\n{err}", file=sys.stderr)
        return 1
    print(f"{made['cards']} cards in {made['decks']} chapter decks -> {made['path']} "
          f"({time.perf_counter() - t0:.1f} s)")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lossbook", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("verify", help="re-check every registered derivation and erratum")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--module", action="append", metavar="FILE",
                   help="also load a chain module from this file (repeatable)")
    p.add_argument("--only", action="append", metavar="ID",
                   help="check only this claim id or chapter (repeatable)")
    p.add_argument("--cards", metavar="FILE",
                   help="if everything passes, also write the flash-card deck (.apkg) "
                        "from the chains just checked (the site build uses this)")
    p.set_defaults(run=_verify)
    p = sub.add_parser("cards", help="write the Anki deck of the checked formulas")
    p.add_argument("-o", "--output", default="lossbook.apkg", metavar="FILE",
                   help="the .apkg file to write (default: lossbook.apkg)")
    p.add_argument("--only", action="append", metavar="ID",
                   help="cards of this claim id or chapter only (repeatable)")
    p.set_defaults(run=_cards)
    p = sub.add_parser("exercises", help="list the exercises by chapter with your progress")
    p.add_argument("--chapter", metavar="chNN", help="only this chapter (e.g. ch03)")
    p.add_argument("--reset", action="store_true", help="forget every recorded answer")
    p.set_defaults(run=_exercises)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
