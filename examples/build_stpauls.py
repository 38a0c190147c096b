#!/usr/bin/env python3
"""Build examples/secondary-stpauls.yaml from the real St Paul's timetable.

Input: the "Dudek Timetables 2022" solution of the XHSTT instance EnglandStPaul
(shared/data/real/xhstt/EnglandStPaul_Dudek2022_lessons.csv, 1,227 lessons,
5 days x 5 periods; provenance in shared/data/real/README.md). The timetable is
used as it is; everything the file lacks (clock times, pupils, SEN, TAs, duties,
interventions) is synthesised here from the figures in shared/spec/domain-data.md,
with a fixed seed, so the output is the same on every run.

How the timetable becomes tasched input:
- Each XHSTT course (one subject taught to one teaching group, e.g. `Ma (7g1)`)
  becomes a class `Ma-7g1` whose `teacher` is the code teaching most of its
  lessons; each CSV row becomes a lesson `{class, when: "Mon P1", subject}`, with
  its own `teacher` where another teacher takes it. Every teacher code but the
  placeholder `XXX` is listed under `teachers` (for joint liaison and cover). The three `Ge (10P)` lessons have no
  class group in the data and are skipped, as are no lessons otherwise.
- Years 7-11 have six form groups (A, L, P, S, T, U), each timetabled in all 25
  periods, plus set groups (g1.., h1..) linked to run at the same time as form
  lessons. A pupil takes every course of their form group; a set course replaces
  the form courses it runs against only when it covers exactly their periods (a
  clean swap), so every pupil is in exactly one class in every period and no two
  classes of a pupil ever meet at once. Sixth formers take four courses of their
  year that do not clash (their other periods are private study).
- Only the pupils the rota concerns are listed: ~3.3% of a roll of about 1,000
  with EHC plans (domain-data §2.3), hours sampled from the synthetic mainstream
  distribution (§5.2), needs from the national EHC-plan mix (§2.4), and SEN-support
  pupils in TA-delivered interventions with EEF/programme dosage (§4).

Usage: python examples/build_stpauls.py [--csv PATH] [--out PATH] [--check]
Needs only the standard library and PyYAML (PyYAML only for --check).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

SEED = 20250901
CSV_NAME = "EnglandStPaul_Dudek2022_lessons.csv"
CSV_SHA256 = "1d9bb4b614738d64a4b8cfda50a1639e4994a4eff4242bf9da2b164393252a3a"
HERE = Path(__file__).resolve().parent
PLACEHOLDER = "XXX"  # the data's placeholder teacher code: not a person
LIAISON_MINUTES = 60  # joint liaison: an hour a week with the teachers each adult supports most
ABSENT_DAY = "Wed"  # one teacher away for the day: their lessons need cover

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"]
# A typical English secondary day (domain-data §2.6: 5 x 60 min, tutor time, one
# morning break of 15-30 min, lunch of 30-55 min): 08:40-15:10 is the 32.5 h week.
SLOTS = [
    ("REG", "08:40", "09:00", "registration"),
    ("P1", "09:00", "10:00", "lesson"),
    ("P2", "10:00", "11:00", "lesson"),
    ("BRK", "11:00", "11:20", "break"),
    ("P3", "11:20", "12:20", "lesson"),
    ("LUN", "12:20", "13:10", "lunch"),
    ("P4", "13:10", "14:10", "lesson"),
    ("P5", "14:10", "15:10", "lesson"),
    ("AS", "15:10", "16:10", "after_school"),
]
SLOT_IDS = [s[0] for s in SLOTS]
KINDS = [s[3] for s in SLOTS]


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


MINS = [minutes(s[2]) - minutes(s[1]) for s in SLOTS]

# ---------------------------------------------------------------------------
# Staff: 28 TAs. Contracts follow the synthetic mix of domain-data §3.2 (about 40%
# on 32.5 h, 30% on 25-30 h, 30% on 15-25 h, all term-time only); pay is the
# reconstructed NJC 2025/26 spine of §3.1 (TA2 = SCP 5-7, TA3 = SCP 8-12,
# HLTA = SCP 13-19). Subjects are the adult's own strengths (degree or A level).
# (name, role, hourly_cost, hours, available, unavailable, skills, subjects); skills and
# subjects are space-separated.
STAFF = [
    ("Anna", "HLTA", 16.08, 32.5, "REG-AS", None, "first_aid team_teach elsa", "En"),
    ("Ben", "HLTA", 15.56, 32.5, "REG-P5", None, "first_aid catch_up_numeracy team_teach", "Ma"),
    (
        "Carla",
        "TA3",
        14.35,
        32.5,
        "REG-AS",
        None,
        "team_teach first_aid epilepsy manual_handling",
        "Sc",
    ),
    ("Dev", "TA3", 14.13, 30, "REG-P5", None, "team_teach epilepsy switch_on", "Ma"),
    ("Ella", "TA3", 13.90, 30, "REG-P5", None, "switch_on catch_up_literacy first_aid", "En"),
    ("Farah", "TA3", 14.59, 32.5, "REG-P5", None, "bsl first_aid diabetes", "Sc"),
    ("Gary", "TA3", 14.13, 32.5, "REG-AS", None, "team_teach first_aid manual_handling", "Pe Dt"),
    ("Hannah", "TA3", 13.90, 30, "REG-P5", None, "lexia fresh_start epilepsy", "En"),
    ("Imran", "TA2", 13.47, 32.5, "REG-P5", None, "team_teach epilepsy", "Ma"),
    ("Jess", "TA2", 13.26, 30, "REG-P5", None, "bsl switch_on diabetes", "Hi"),
    ("Kieran", "TA2", 13.69, 30, "REG-P5", None, "team_teach first_aid", "Sc"),
    ("Laura", "TA2", 13.47, 30, "REG-P5", None, "catch_up_literacy lexia diabetes", "Ge"),
    ("Mo", "TA2", 13.26, 30, "REG-P5", None, "team_teach manual_handling epilepsy", ""),
    ("Nina", "TA3", 14.35, 27.5, "REG-P5", None, "elsa first_aid", "En Dr"),
    ("Owen", "TA2", 13.47, 27.5, "REG-P5", None, "first_aid fresh_start", "Ma"),
    ("Paula", "TA2", 13.26, 27.5, "REG-P5", None, "diabetes catch_up_numeracy", "Fr"),
    ("Rhys", "TA2", 13.26, 25, "REG-P5", "Fri", "team_teach first_aid", "Dt"),
    ("Sara", "TA3", 13.90, 25, "REG-P5", "Mon", "bsl epilepsy", "Ar"),
    ("Tariq", "TA2", 13.26, 27.5, "REG-P5", None, "first_aid manual_handling", "Sc"),
    ("Uma", "TA2", 13.26, 19.5, "Mon-Wed REG-P5", None, "first_aid lexia", "Ma"),
    ("Vicky", "TA2", 13.26, 19.5, "Wed-Fri REG-P5", None, "epilepsy catch_up_literacy", "En"),
    ("Will", "TA2", 13.26, 18, "REG-P3", None, "first_aid switch_on", "Hi"),
    ("Yasmin", "TA2", 13.26, 18, "REG-P3", None, "diabetes first_aid", "Sc"),
    ("Zoe", "TA2", 13.47, 17.5, "P3-P5", None, "team_teach first_aid", "Pe"),
    (
        "Aaron",
        "TA3",
        14.82,
        32.5,
        "REG-P5",
        None,
        "team_teach first_aid epilepsy manual_handling",
        "Ma Sc",
    ),
    ("Bella", "TA2", 13.69, 30, "REG-P5", None, "first_aid diabetes manual_handling bsl", "En"),
    ("Chloe", "TA2", 13.26, 22.5, "REG-P5", "Wed", "first_aid", "Ge Hi"),
    ("Dina", "TA2", 13.26, 15, "P3-P5", "Fri", "elsa", "Re"),
]

# EHC plans: share of plans by primary need, January 2025 (domain-data §2.4), with
# SLD/PMLD (rare in mainstream) left out.
NEED_MIX = [
    ("ASD", 31.5),
    ("SLCN", 21.3),
    ("SEMH", 20.7),
    ("MLD", 10.6),
    ("PD", 3.9),
    ("SPLD", 2.4),
    ("HI", 1.4),
    ("OTH", 1.2),
    ("VI", 0.8),
]
# Synthetic plan bands of domain-data §5.2: hours (low, high) and share of plans.
# Full-time plans are capped at 30 h here (a 32.5 h week leaves no slack for the
# over-support rule and interventions).
BANDS = {"targeted": (5, 10), "moderate": (10, 15), "high": (15, 25), "full": (25, 30)}
BAND_MIX = {"default": [("targeted", 20), ("moderate", 35), ("high", 30), ("full", 15)]}
EHC_PER_YEAR = {7: 8, 8: 7, 9: 7, 10: 6, 11: 4, 12: 1, 13: 1}  # 34 of ~1,020 = 3.3%
UNSTRUCTURED = "registration, lesson, break, lunch"


# ---------------------------------------------------------------------------
def find_csv(given: str | None) -> Path:
    candidates = [Path(given)] if given else []
    candidates += [
        HERE.parent / "shared/data/real/xhstt" / CSV_NAME,
        HERE.parent / "data/real/xhstt" / CSV_NAME,
        HERE.parent.parent / "shared/data/real/xhstt" / CSV_NAME,
    ]
    for path in candidates:
        if path.is_file():
            return path
    sys.exit(f"cannot find {CSV_NAME}; pass --csv PATH")


def safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "", text)


def weighted(rng: random.Random, pairs):
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for item, w in pairs:
        x -= w
        if x <= 0:
            return item
    return pairs[-1][0]


def plan_hours(rng: random.Random, low: float, high: float) -> float:
    """Plans are written in round figures: hours in steps of 2.5."""
    return rng.randint(int(low / 2.5), int(high / 2.5)) * 2.5


# A tiny when-expression reader for the expressions this script writes (the real
# grammar is in tasched/when.py; this script must run without the package).
def when(expr: str | None) -> set[tuple[int, int]]:
    if not expr:
        return set()
    out: set[tuple[int, int]] = set()
    for item in expr.split(","):
        parts = item.split()
        days, slots = list(range(len(DAYS))), list(range(len(SLOTS)))
        for part in parts:
            lo, _, hi = part.partition("-")
            if part == "*":
                continue
            if lo in DAYS:
                days = list(range(DAYS.index(lo), DAYS.index(hi or lo) + 1))
            elif lo in SLOT_IDS:
                slots = list(range(SLOT_IDS.index(lo), SLOT_IDS.index(hi or lo) + 1))
            elif part in KINDS:
                slots = [i for i, k in enumerate(KINDS) if k == part]
            else:
                raise ValueError(f"bad when {expr!r}")
        out |= {(d, s) for d in days for s in slots}
    return out


# ---------------------------------------------------------------------------
class Timetable:
    def __init__(self, path: Path) -> None:
        self.rows = list(csv.DictReader(path.open(newline="", encoding="utf-8")))
        self.skipped = [r for r in self.rows if not r["class_group"].strip()]
        self.slots: dict[str, set[tuple[int, int]]] = defaultdict(set)
        self.subject: dict[str, str] = {}
        self.group: dict[str, str] = {}
        self.teachers: dict[str, Counter] = defaultdict(Counter)
        self.lessons: list[tuple[str, int, int, str]] = []
        self.lesson_teacher: dict[tuple[str, int, int], str] = {}
        for r in self.rows:
            if not r["class_group"].strip():
                continue
            if ";" in r["class_group"]:
                raise SystemExit("linked lessons with several groups are not handled")
            name = re.fullmatch(r"gr_Course_(.+)_\d+", r["course"]).group(1)
            cid = safe_id(name)
            d, p = DAYS.index(r["day"]), SLOT_IDS.index("P" + r["period"])
            if (d, p) in self.slots[cid]:
                raise SystemExit(f"course {cid} twice at {r['day']} P{r['period']}")
            self.slots[cid].add((d, p))
            self.subject[cid] = r["subject_code"]
            self.group[cid] = r["class_group"]
            self.teachers[cid][r["teacher"]] += 1
            self.lessons.append((cid, d, p, r["subject_code"]))
            self.lesson_teacher[cid, d, p] = r["teacher"]
        names = {
            safe_id(re.fullmatch(r"gr_Course_(.+)_\d+", r["course"]).group(1))
            for r in self.rows
            if r["class_group"].strip()
        }
        assert len(names) == len(self.slots), "safe ids collide"
        self.by_group: dict[str, list[str]] = defaultdict(list)
        for cid, g in self.group.items():
            self.by_group[g].append(cid)
        for g in self.by_group:
            self.by_group[g].sort()

    def year(self, cid: str) -> int:
        return int(re.match(r"\d+", self.group[cid]).group(0))

    def teacher(self, cid: str) -> str | None:
        """The code teaching most of the course's lessons (None for the placeholder XXX)."""
        code = sorted(self.teachers[cid].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        return None if code == PLACEHOLDER else code

    def teacher_codes(self) -> list[str]:
        return sorted({t for c in self.teachers.values() for t in c} - {PLACEHOLDER})

    def form_courses(self, form: str) -> set[str]:
        return set(self.by_group[form])

    def clean_swaps(self, form: str) -> list[str]:
        """Set courses of the form's year that replace exactly some of its form courses."""
        year = re.match(r"\d+", form).group(0)
        out = []
        for g, courses in sorted(self.by_group.items()):
            if not (g.startswith(year) and g[len(year) :][:1] in ("g", "h")):
                continue
            for c in courses:
                clash = [k for k in self.by_group[form] if self.slots[k] & self.slots[c]]
                union = set().union(*(self.slots[k] for k in clash)) if clash else set()
                if clash and union == self.slots[c]:
                    out.append(c)
        return out

    def place(self, classes) -> dict[tuple[int, int], str]:
        at: dict[tuple[int, int], str] = {}
        for c in classes:
            for t in self.slots[c]:
                if t in at:
                    raise AssertionError(f"clash {at[t]} / {c} at {t}")
                at[t] = c
        return at


def pupil_classes(tt: Timetable, rng: random.Random, form: str, set_bias: float) -> list[str]:
    """A Year 7-11 pupil of `form`: the form's courses with some clean set swaps."""
    current = tt.form_courses(form)
    form_set = set(current)
    swaps = tt.clean_swaps(form)
    rng.shuffle(swaps)
    for c in swaps:
        core = tt.subject[c] in ("Ma", "En", "Sc")
        if rng.random() > (set_bias if core else set_bias / 2):
            continue
        clash = {k for k in current if tt.slots[k] & tt.slots[c]}
        if clash <= form_set and set().union(*(tt.slots[k] for k in clash)) == tt.slots[c]:
            current = (current - clash) | {c}
    tt.place(current)
    return sorted(current)


def sixth_form_classes(tt: Timetable, rng: random.Random, year: int, n: int = 4) -> list[str]:
    courses = sorted(c for c in tt.slots if tt.year(c) == year and tt.subject[c] != "Ps")
    rng.shuffle(courses)
    chosen: list[str] = []
    used: set[tuple[int, int]] = set()
    subjects = set()
    for c in courses:
        if tt.slots[c] & used or tt.subject[c] in subjects:
            continue
        chosen.append(c)
        used |= tt.slots[c]
        subjects.add(tt.subject[c])
        if len(chosen) == n:
            break
    # everyone in the year attends the year's PSHE course when it does not clash
    for c in sorted(c for c in tt.slots if tt.year(c) == year and tt.subject[c] == "Ps"):
        if not tt.slots[c] & used:
            chosen.append(c)
            used |= tt.slots[c]
    return sorted(chosen)


# ---------------------------------------------------------------------------
def build(tt: Timetable) -> dict:
    rng = random.Random(SEED)
    forms = {y: [f"{y}{f}" for f in "ALPSTU"] for y in range(7, 12)}
    # SEND-heavy forms: two per year, one in each half of the year (A/L/U and P/S/T
    # are the two bands the set groups are drawn from).
    heavy = {y: [f"{y}{rng.choice('ALU')}", f"{y}{rng.choice('PST')}"] for y in forms}

    pupils: list[dict] = []
    counter = iter(range(1, 1000))

    def new_id() -> str:
        return f"P{next(counter):03d}"

    def form_for(year: int) -> str:
        return rng.choice(heavy[year]) if rng.random() < 0.65 else rng.choice(forms[year])

    # --- EHC plans -----------------------------------------------------------
    specials = {  # deterministic features the example must show
        (8, 0): {"need": "SEMH", "band": "high", "two_to_one": True},
        (10, 0): {"need": "SEMH", "band": "high", "two_to_one": True},
        (8, 1): {"need": "PD", "band": "full", "epilepsy": True},
        (9, 0): {"need": "HI", "band": "moderate"},
        (7, 0): {"need": "SEMH", "band": "high"},
        (7, 1): {"need": "SPLD", "band": "targeted", "literacy_group": True},
        (7, 2): {"need": "MLD", "band": "targeted", "literacy_group": True},
        (7, 3): {"need": "ASD", "band": "full"},
    }
    slots_ = [(year, i) for year, n in EHC_PER_YEAR.items() for i in range(n)]
    needs = {k: specials.get(k, {}).get("need") or weighted(rng, NEED_MIX) for k in slots_}
    # Bands by quota (20/35/30/15% of the plans, §5.2), so the total is stable; SEMH
    # and ASD plans skew to the higher bands, MLD and SpLD to the lower ones.
    quota = Counter({b: round(w / 100 * len(slots_)) for b, w in BAND_MIX["default"]})
    quota["moderate"] += len(slots_) - sum(quota.values())
    bands = {k: specials[k]["band"] for k in slots_ if k in specials and "band" in specials[k]}
    quota.subtract(Counter(bands.values()))
    skew = {"SEMH": 0.6, "ASD": 0.6, "MLD": -0.6, "SPLD": -0.6}
    rest = sorted((k for k in slots_ if k not in bands), key=lambda k: skew.get(needs[k], 0) + rng.random())
    order = [b for b in ("targeted", "moderate", "high", "full") for _ in range(max(0, quota[b]))]
    bands.update(zip(rest, order, strict=True))
    for key in slots_:
        year, _ = key
        spec = specials.get(key, {})
        need, band = needs[key], bands[key]
        hours = plan_hours(rng, *BANDS[band])
        ehcp: dict = {"hours": hours}
        if band == "targeted":
            ehcp.update(mode="any", group_max=3)
        elif band == "moderate":
            ehcp.update(group_max=rng.choice([2, 3]))
        elif band == "high":
            gm = rng.choice([1, 1, 2])
            if gm > 1:
                ehcp["group_max"] = gm
            if hours > 20 or (need in ("ASD", "SEMH") and rng.random() < 0.5):
                # support at unstructured times too (break and lunch), out of class
                ehcp.update(mode="any", when="lesson, break, lunch")
        else:
            ehcp.update(mode="any", when=UNSTRUCTURED)
        if need == "SEMH" and band in ("high", "full"):
            ehcp["skills"] = ["team_teach"]
        if need == "PD":
            ehcp["skills"] = ["manual_handling"]
        if spec.get("need") == "HI":  # a BSL user; most HI plans name no such skill
            ehcp["skills"] = ["bsl"]
        pupil: dict = {"id": new_id(), "need": need}
        if year <= 11:
            form = form_for(year)
            pupil["classes"] = pupil_classes(tt, rng, form, set_bias=0.5)
            pupil["_form"] = form
        else:
            pupil["classes"] = sixth_form_classes(tt, rng, year)
            pupil["_form"] = str(year)
        if spec.get("two_to_one"):
            ehcp = {
                "hours": 10.0,
                "mode": "any",
                "adults": 2,
                "skills": ["team_teach"],
                "when": "lesson, break, lunch",
            }
            pupil["rotation"] = {"max_share": 0.5}
        if spec.get("epilepsy"):
            ehcp = {
                "hours": 27.5,
                "mode": "any",
                "skills": ["manual_handling"],
                "when": UNSTRUCTURED,
            }
            pupil["medical"] = {"skills": ["epilepsy"], "when": "lesson, break, lunch"}
            pupil["rotation"] = {"min_staff": 3}
        if spec.get("literacy_group"):
            pupil["_literacy_group"] = True
        if need in ("SPLD", "MLD") and band == "moderate" and year <= 11 and rng.random() < 0.6:
            # support only where reading and writing load is heavy
            ehcp["subjects"] = ["En", "Hi", "Ge", "Re", "Sc"]
        pupil["ehcp"] = ehcp
        pupil["_year"] = year
        pupils.append(pupil)

    # the literacy-group pupils sit in one Year 7 form so a group session is possible
    lit = [p for p in pupils if p.get("_literacy_group")]
    for p in lit:
        p["_form"] = lit[0]["_form"]
        p["classes"] = pupil_classes(tt, rng, p["_form"], set_bias=0.0)

    # --- medical need only -----------------------------------------------------
    diabetic = {
        "id": new_id(),
        "_year": 9,
        "_form": "9S",
        "classes": pupil_classes(tt, rng, "9S", set_bias=0.3),
        "medical": {"skills": ["diabetes"], "when": "break, lunch"},
    }
    pupils.append(diabetic)

    # --- SEN support pupils in interventions -----------------------------------
    def ss_pupil(year: int, need: str, form: str | None = None) -> dict:
        form = form or form_for(year)
        p = {
            "id": new_id(),
            "need": need,
            "_year": year,
            "_form": form,
            "classes": pupil_classes(tt, rng, form, set_bias=0.5),
        }
        pupils.append(p)
        return p

    interventions: list[dict] = []
    # Switch-on Reading, Year 7 (EEF efficacy trial age): 1:1, daily, 20 min, in tutor time
    for _ in range(3):
        p = ss_pupil(7, rng.choice(["SPLD", "NSA", "MLD"]))
        interventions.append(
            {
                "id": f"SOR-{p['id']}",
                "programme": "Switch-on Reading",
                "pupils": [p["id"]],
                "sessions": 5,
                "minutes": 20,
                "skills": ["switch_on"],
                "when": "registration",
                "room_kind": "quiet",
            }
        )
    # Catch Up Literacy, Year 8: 1:1, 2 x 15 min, in tutor time
    for _ in range(3):
        p = ss_pupil(8, rng.choice(["SPLD", "SPLD", "NSA"]))
        interventions.append(
            {
                "id": f"CUL-{p['id']}",
                "programme": "Catch Up Literacy",
                "pupils": [p["id"]],
                "sessions": 2,
                "minutes": 15,
                "skills": ["catch_up_literacy"],
                "when": "registration",
                "room_kind": "quiet",
            }
        )
    # Catch Up Numeracy, Year 7: 1:1, 2 x 15 min, in tutor time
    for _ in range(2):
        p = ss_pupil(7, "MLD")
        interventions.append(
            {
                "id": f"CUN-{p['id']}",
                "programme": "Catch Up Numeracy",
                "pupils": [p["id"]],
                "sessions": 2,
                "minutes": 15,
                "skills": ["catch_up_numeracy"],
                "when": "registration",
                "room_kind": "quiet",
                "priority": "low",
            }
        )
    # Lexia (Core5): a supervised group at devices, 4 x 30 min; never out of the core subjects
    lexia_form = heavy[8][0]
    lexia = [ss_pupil(8, rng.choice(["SPLD", "SLCN", "MLD"]), form=lexia_form) for _ in range(5)]
    interventions.append(
        {
            "id": "LEXIA-Y8",
            "programme": "Lexia Core5",
            "pupils": [p["id"] for p in lexia],
            "sessions": 4,
            "minutes": 30,
            "skills": ["lexia"],
            "when": "lesson",
            "avoid_subjects": ["Ma", "En", "Sc"],
            "room_kind": "ict",
        }
    )
    # Fresh Start phonics catch-up, Year 7 group of 4, 3 x 45 min (in place of some English)
    fs_form = heavy[7][1]
    fresh = [ss_pupil(7, rng.choice(["SLCN", "MLD", "NSA"]), form=fs_form) for _ in range(4)]
    interventions.append(
        {
            "id": "FRESH-Y7",
            "programme": "Read Write Inc. Fresh Start",
            "pupils": [p["id"] for p in fresh],
            "sessions": 3,
            "minutes": 45,
            "skills": ["fresh_start"],
            "when": "lesson",
            "avoid_subjects": ["Ma", "Sc"],
            "room_kind": "quiet",
            "priority": "high",
        }
    )
    # ELSA: 1:1, weekly, 30 min
    elsa_pupils = [ss_pupil(y, "SEMH") for y in (7, 9, 10)]
    elsa_pupils.append(
        next(p for p in pupils if p.get("ehcp") and p["need"] == "SEMH" and p["ehcp"].get("adults") != 2)
    )
    for p in elsa_pupils:
        interventions.append(
            {
                "id": f"ELSA-{p['id']}",
                "programme": "ELSA",
                "pupils": [p["id"]],
                "sessions": 1,
                "minutes": 30,
                "skills": ["elsa"],
                "when": "lesson",
                "avoid_subjects": ["Ma", "En", "Sc"],
                "room_kind": "nurture",
            }
        )
    # Literacy catch-up group for two targeted EHC plans: counts toward their EHC hours
    interventions.append(
        {
            "id": "LIT-Y7",
            "programme": "Literacy catch-up (small group)",
            "pupils": [p["id"] for p in lit],
            "sessions": 3,
            "minutes": 30,
            "skills": ["catch_up_literacy"],
            "when": "lesson",
            "avoid_subjects": ["Ma", "Sc"],
            "room_kind": "quiet",
            "counts_for_ehcp": True,
        }
    )

    # --- duties -----------------------------------------------------------------
    duties = [
        {
            "id": "gate",
            "name": "Gate and corridor duty",
            "when": "REG",
            "staff": 2,
            "priority": "low",
        },
        {
            "id": "break",
            "name": "Break duty (yard and canteen)",
            "when": "BRK",
            "staff": 4,
            "any_skills": ["first_aid"],
            "priority": "high",
        },
        {
            "id": "lunch",
            "name": "Lunch duty",
            "when": "LUN",
            "staff": 6,
            "any_skills": ["first_aid"],
            "priority": "high",
        },
        {
            "id": "hub",
            "name": "Learning support hub at break and lunch",
            "when": "break, lunch",
            "staff": 2,
        },
        {
            "id": "homework",
            "name": "Homework club (library)",
            "when": "Mon-Thu AS",
            "staff": 2,
            "paid": "extra",
            "priority": "low",
        },
    ]
    rooms = [
        {"id": "Library", "kind": "quiet", "capacity": 3},
        {"id": "LSU1", "kind": "quiet"},
        {"id": "LSU2", "kind": "quiet"},
        {"id": "ICT2", "kind": "ict"},
        {"id": "Nurture", "kind": "nurture"},
    ]

    staff = []
    for i, (name, role, cost, hours, avail, unavail, skills, subjects) in enumerate(STAFF, 1):
        s = {"id": f"T{i:02d}", "name": name, "role": role, "hours": hours, "available": avail}
        if unavail:
            s["unavailable"] = unavail
        s["hourly_cost"] = cost
        s["skills"] = skills.split()
        if subjects:
            s["subjects"] = subjects.split()
        staff.append(s)

    data = {
        "pupils": pupils,
        "interventions": interventions,
        "duties": duties,
        "rooms": rooms,
        "staff": staff,
    }
    data["support"] = choose_support(tt, data)
    return data


# ---------------------------------------------------------------------------
def estimate(tt: Timetable, data: dict, support: list[dict]) -> dict:
    """Rough adult-hour demand and capacity (minutes), for sizing only."""
    week = {(d, s) for d in range(len(DAYS)) for s in range(len(SLOTS))}
    pupils = data["pupils"]
    place = {p["id"]: tt.place(p["classes"]) for p in pupils}
    # EHC: pooled pupils sharing a class at a slot may share an adult
    ehc_lesson = ehc_other = 0.0
    for p in pupils:
        e = p.get("ehcp")
        if not e:
            continue
        share = 1.0
        gm = e.get("group_max", 1)
        if gm > 1:
            mates = []
            for t, c in place[p["id"]].items():
                n = sum(
                    1
                    for q in pupils
                    if q is not p and q.get("ehcp") and q["ehcp"].get("group_max", 1) > 1 and place[q["id"]].get(t) == c
                )
                mates.append(min(gm, 1 + n))
            share = 1 / (sum(mates) / len(mates))
        adult = e["hours"] * 60 * e.get("adults", 1) * share
        lesson_min = sum(MINS[t[1]] for t in place[p["id"]])
        frac = min(1.0, lesson_min / (e["hours"] * 60))
        ehc_lesson += adult * frac
        ehc_other += adult * (1 - frac)
    sup = sum(s.get("staff", 1) * 60 * len(tt.slots[s["class"]]) for s in support)
    iv_lesson = iv_other = 0
    for iv in data["interventions"]:
        ws = when(iv["when"])
        m = min(MINS[t[1]] for t in ws if MINS[t[1]] >= iv["minutes"]) * iv["sessions"]
        if all(KINDS[t[1]] == "lesson" for t in ws):
            iv_lesson += m
        else:
            iv_other += m
    duty_contract = sum(
        d["staff"] * sum(MINS[t[1]] for t in when(d["when"])) for d in data["duties"] if d.get("paid") != "extra"
    )
    contracted = sum(s["hours"] * 60 for s in data["staff"])
    lesson_cap = 0.0
    for s in data["staff"]:
        works = when(s["available"]) - when(s.get("unavailable")) if s.get("unavailable") else when(s["available"])
        works &= week
        lesson_cap += min(s["hours"] * 60, sum(MINS[t[1]] for t in works if KINDS[t[1]] == "lesson"))
    lesson_demand = ehc_lesson + sup + iv_lesson
    total = lesson_demand + ehc_other + iv_other + duty_contract
    return {
        "contracted": contracted,
        "lesson_cap": lesson_cap,
        "lesson_demand": lesson_demand,
        "total": total,
        "ehc_lesson": ehc_lesson,
        "ehc_other": ehc_other,
        "support": sup,
        "interventions": iv_lesson + iv_other,
        "duties": duty_contract,
    }


def choose_support(tt: Timetable, data: dict) -> list[dict]:
    """Class support for the lessons with most listed SEND pupils (EHC pupils count
    double; English and maths first, then science and practical subjects), until
    demand is about 90% of contracted hours or of lesson-time capacity."""
    score: Counter = Counter()
    for p in data["pupils"]:
        w = 2 if p.get("ehcp") else 1
        for c in p["classes"]:
            if tt.year(c) <= 11:
                score[c] += w
    bonus = {"Ma": 6, "En": 6, "Sc": 4, "Dt": 3, "Da": 3}
    ranked = sorted(
        (c for c in score if score[c] >= 2),
        key=lambda c: (-(score[c] + bonus.get(tt.subject[c], 0)), c),
    )
    support: list[dict] = []
    for c in ranked:
        est = estimate(tt, data, support)
        if est["total"] >= 0.9 * est["contracted"] or est["lesson_demand"] >= 0.9 * est["lesson_cap"]:
            break
        subj = tt.subject[c]
        row = {"class": c, "subjects": [subj]}
        if subj in ("Ma", "En") and score[c] >= 4:
            row["priority"] = "high"
        elif subj not in ("Ma", "En", "Sc", "Dt", "Da"):
            row["priority"] = "low"
        support.append(row)
    return sorted(support, key=lambda r: (tt.year(r["class"]), r["class"]))


# ---------------------------------------------------------------------------
PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/ ]*")
RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v == int(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    s = str(v)
    if PLAIN.fullmatch(s) and s.lower() not in RESERVED and s == s.strip():
        return s
    return json.dumps(s)


def flow(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(flow(x) for x in v) + "]"
    return scalar(v)


def render(tt: Timetable, data: dict, est: dict) -> str:
    pupils = data["pupils"]
    n_ehc = sum(1 for p in pupils if p.get("ehcp"))
    out = [
        "# yaml-language-server: $schema=../schemas/school.schema.json",
        "# St Paul's (England): a real secondary timetable with synthetic SEN, staff and duties.",
        "# GENERATED by examples/build_stpauls.py (fixed seed); edit the script, not this file.",
        '# Timetable: XHSTT instance EnglandStPaul (UK-SP-06), best known solution "Dudek',
        '# Timetables 2022", via shared/data/real/xhstt/EnglandStPaul_Dudek2022_lessons.csv:',
        f"# {len(tt.lessons)} lessons of {len(tt.slots)} courses (the 3 `Ge (10P)` lessons with no",
        "# class group are left out), 5 days x 5 periods. Cite Post et al., Annals of OR 218",
        "# (2014) 295-301; no licence is stated for the data (shared/data/real/README.md).",
        "# Clock times, break and lunch follow domain-data.md §2.6 (5 x 60 min, 32.5 h week).",
        f"# Pupils: only the {len(pupils)} the rota concerns, of a roll of about 1,020:",
        f"# {n_ehc} with EHC plans (3.3%, §2.3; hours from the synthetic distribution of §5.2;",
        "# needs from §2.4), one with diabetes, and SEN-support pupils in interventions",
        f"# (dosage from §4). Staff: {len(data['staff'])} TAs on NJC 2025/26 pay (§3.1) and the",
        "# contract mix of §3.2. Pupil ids are pseudonyms.",
        "",
        "school:",
        "  name: St Paul's (example built on the XHSTT timetable)",
        "  phase: secondary",
        "  paid_weeks: 43.6",
        "  oncost: 0.28",
        "",
        "calendar:",
        f"  days: {flow(DAYS)}",
        "  slots:",
    ]
    for sid, a, b, k in SLOTS:
        out.append(f'    - {{id: {sid}, start: "{a}", end: "{b}", kind: {k}}}')
    out += ["", "staff:"]
    out += [f"  - {flow(s)}" for s in data["staff"]]
    codes = tt.teacher_codes()
    out += [
        "",
        f"# The timetable's {len(codes)} teachers, by their codes (the placeholder {PLACEHOLDER} left out).",
        "teachers:",
    ]
    out += [f"  - {flow({'id': code})}" for code in codes]
    out += [
        "",
        f"# {len(tt.slots)} teaching groups: one per XHSTT course (subject-group); the teacher",
        "# is the code teaching most of its lessons.",
        "classes:",
    ]
    for c in sorted(tt.slots, key=lambda c: (tt.year(c), tt.group[c], c)):
        row = {"id": c, "teacher": tt.teacher(c), "year": tt.year(c)}
        out.append(f"  - {flow({k: v for k, v in row.items() if v is not None})}")
    out += ["", "# One entry per lesson of the timetable (its teacher where not the class's).", "lessons:"]
    for cid, d, p, subj in sorted(tt.lessons, key=lambda x: (tt.year(x[0]), tt.group[x[0]], x[0], x[1], x[2])):
        lesson = {"class": cid, "when": f"{DAYS[d]} {SLOT_IDS[p]}", "subject": subj}
        code = tt.lesson_teacher[cid, d, p]
        if code != PLACEHOLDER and code != tt.teacher(cid):
            lesson["teacher"] = code
        out.append(f"  - {flow(lesson)}")
    out += [
        "",
        "# Adults wanted in lessons with several listed SEND pupils (core subjects first).",
        "support:",
    ]
    out += [f"  - {flow(s)}" for s in data["support"]]
    out += ["", "pupils:"]
    for p in pupils:
        tag = f"Year {p['_year']}" + (f", form {p['_form']}" if p["_year"] <= 11 else "")
        out.append(f"  - id: {p['id']}  # {tag}")
        if p.get("need"):
            out.append(f"    need: {p['need']}")
        out.append(f"    classes: {flow(p['classes'])}")
        for key in ("ehcp", "rotation", "medical"):
            if key in p:
                out.append(f"    {key}: {flow(p[key])}")
    out += ["", "interventions:"]
    out += [f"  - {flow(i)}" for i in data["interventions"]]
    out += ["", "duties:"]
    out += [f"  - {flow(d)}" for d in data["duties"]]
    out += ["", "rooms:"]
    out += [f"  - {flow(r)}" for r in data["rooms"]]
    out += [
        "",
        "rules:",
        "  rotation: {min_staff: 2, max_share: 0.6, max_consecutive: 2}",
        "  max_withdrawal: 0.2",
        "  solver: {time_limit: 120, seed: 1, workers: 2}",
        "  rotate_withdrawals: 4               # tasched term: the most times a pupil misses one subject a term",
        "  liaison: joint                      # liaison_minutes are meetings with teachers (liaison:T rows)",
        f"  liaison_minutes: {LIAISON_MINUTES}",
        "  cover: {roles: [HLTA], max_minutes: 180}",
        "",
        f"# {data['absent']} is away on {ABSENT_DAY}: their lessons are covered by HLTAs or need supply cover.",
        "teacher_absences:",
        f"  - {flow({'teacher': data['absent'], 'when': ABSENT_DAY})}",
        "",
        "term:                                 # tasched term plans these weeks one at a time",
        "  weeks: 12",
        "  closed:",
        "    - {week: 7, when: Mon, reason: bank holiday}",
        "    - {week: 1, when: Mon, reason: INSET day}",
        "",
    ]
    return "\n".join(out)


def plan_term(data: dict) -> None:
    """The term features `tasched term` shows (issue 16): a fade for one plan, programmes with a length."""
    p002 = next(p for p in data["pupils"] if p["id"] == "P002")
    p002["ehcp"].update(floor_hours=6, fade={"to_hours": 6, "from_week": 3, "by_week": 9})
    for iv in data["interventions"]:
        if iv["id"] == "LEXIA-Y8":
            iv["weeks"] = 10
        elif iv["id"] == "FRESH-Y7":
            iv.update(weeks=8, start_week=2)


def absent_teacher(tt: Timetable, data: dict) -> str:
    """The teacher who teaches most of the EHC pupils' lessons on the absent day (ties by code)."""
    taught: Counter = Counter()
    day = DAYS.index(ABSENT_DAY)
    for p in data["pupils"]:
        if p.get("ehcp"):
            for (d, s), c in tt.place(p["classes"]).items():
                code = tt.lesson_teacher[c, d, s]
                if d == day and code != PLACEHOLDER:
                    taught[code] += 1
    return sorted(taught.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def check(tt: Timetable, data: dict, est: dict, text: str) -> None:
    pupils = data["pupils"]
    for p in pupils:
        tt.place(p["classes"])  # raises on a clash
    import yaml  # only for the round trip

    loaded = yaml.safe_load(text)
    assert len(loaded["lessons"]) == len(tt.lessons)
    ehc = [p for p in pupils if p.get("ehcp")]
    h = lambda m: m / 60  # noqa: E731
    print(f"lessons {len(tt.lessons)} (skipped {len(tt.skipped)} with no class group), classes {len(tt.slots)}")
    print(
        f"pupils {len(pupils)}: EHC {len(ehc)} ({sum(p['ehcp']['hours'] for p in ehc):g} h), "
        f"2:1 {sum(1 for p in ehc if p['ehcp'].get('adults') == 2)}, "
        f"interventions {len(data['interventions'])}, support rows {len(data['support'])}"
    )
    print("needs:", dict(Counter(p.get("need") for p in pupils)))
    gaps = {p["id"]: 25 - len(tt.place(p["classes"])) for p in pupils if p["_year"] <= 11}
    print("Y7-11 pupils with free periods:", {k: v for k, v in gaps.items() if v})
    print(
        f"staff {len(data['staff'])}, contracted {h(est['contracted']):.1f} h; "
        f"lesson-time capacity {h(est['lesson_cap']):.1f} h"
    )
    print(
        f"demand: EHC {h(est['ehc_lesson']):.1f} h in lessons + "
        f"{h(est['ehc_other']):.1f} h outside, "
        f"support {h(est['support']):.1f} h, interventions {h(est['interventions']):.1f} h, "
        f"duties {h(est['duties']):.1f} h"
    )
    print(
        f"total {h(est['total']):.1f} h = "
        f"{100 * est['total'] / est['contracted']:.0f}% of contracted; lesson-time demand "
        f"{100 * est['lesson_demand'] / est['lesson_cap']:.0f}% of lesson capacity"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", help=f"path to {CSV_NAME}")
    ap.add_argument("--out", default=str(HERE / "secondary-stpauls.yaml"))
    ap.add_argument("--check", action="store_true", help="print statistics and round-trip the YAML")
    args = ap.parse_args()
    path = find_csv(args.csv)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != CSV_SHA256:
        sys.exit(f"{path}: unexpected SHA-256 {digest} (expected the copy described in shared/data/real/README.md)")
    tt = Timetable(path)
    data = build(tt)
    plan_term(data)
    data["absent"] = absent_teacher(tt, data)
    est = estimate(tt, data, data["support"])
    text = render(tt, data, est)
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    if args.check:
        check(tt, data, est, text)


if __name__ == "__main__":
    main()
