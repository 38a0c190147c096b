"""Generate the benchmark schools: realistic weeks sized from shared/spec/domain-data.md.

    python benchmarks/generate.py            # writes benchmarks/instances/*.yaml
    python benchmarks/generate.py --check    # also validates each file and prints its sizes

`generate(kind, seed)` returns one school document (a dict in format version 1).
Every kind has a fixed default seed, so the files are the same on every run.

Kinds (figures and their sources are in domain-data.md; section numbers below):
- primary-1fe/2fe/3fe: 7, 14 and 21 classes of 30 (§2.2), 3.5% of the roll with EHC
  plans (§2.3, mainstream ≈ 3.3%), 14/25/34 TAs (§2.1: ≈ 16 TAs for a 275-pupil
  primary; a 3FE school has 30+), the published primary day (§2.6), EEF dosage for
  NELI, Switch-on Reading, 1stClass@Number, Talk Boost, Catch Up and ELSA (§4).
- secondary-1000/1500: a synthetic timetable of 5 x 60 min periods (§2.6) with 7 or
  10 forms a year in Years 7-11, core subjects (Ma, En, Sc) setted across half-year
  bands, and a sixth form in option blocks: 41 and 58 teaching groups in each period.
  EHC plans for 3.3% of the roll (§2.3), hours from the synthetic bands (§5.2), needs
  from the national mix (§2.4); 28 and 42 TAs.
- secondary-stpauls: the real St Paul's timetable (the one examples/build_stpauls.py
  uses, read by its code), with SEND and staff for a 1,500-pupil roll.
- special-100/200: all-age special schools of 100 and 200 pupils, nearly all with EHC
  plans (§2.3: 99%), classes of 6-9, 45 and 80 TAs (§2.1: 40-80), most plans pooled
  in class (group_max 2-3), PMLD plans with personal care at break and lunch, 2:1
  Team Teach plans, epilepsy, gastrostomy and diabetes cover.
- tiny: a two-class primary for the CI smoke run.

Contracts follow §3.2 (40% on the full day, 30% on 27.5-30 h, 30% on 15-25 h, term
time only), pay the NJC 2025/26 spine of §3.1. Class support is added, most needed
first, until the week's adult-time demand is about 97% of contracted hours (or of
the lesson time the TAs can give), so some shortfall is possible but not silly.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasched.input.when import DaySlot, WeekShape, parse_when

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INSTANCES = HERE / "instances"

KINDS = (
    "primary-1fe",
    "primary-2fe",
    "primary-3fe",
    "secondary-1000",
    "secondary-1500",
    "secondary-stpauls",
    "special-100",
    "special-200",
)
QUICK_KINDS = ("tiny",)
SEEDS = {kind: 20260101 + i for i, kind in enumerate((*KINDS, *QUICK_KINDS))}
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"]
TARGET = 0.97  # class support is added until demand reaches this share of capacity

Doc = dict[str, Any]
SlotSpec = tuple[str, str, str, str]  # id, start, end, kind

# NJC 2025/26 hourly rates (§3.1): TA2 = SCP 5-7, TA3 = SCP 8-12, HLTA = SCP 13-19.
PAY = {
    "TA2": [13.26, 13.47, 13.69],
    "TA3": [13.90, 14.13, 14.35, 14.59, 14.82],
    "HLTA": [15.06, 15.31, 15.56, 15.82, 16.08, 16.35, 16.62],
}
# Share of EHC plans by primary need, January 2025 (§2.4), SLD/PMLD left to special schools.
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
# Synthetic plan bands (§5.2): hours (low, high) and share of plans.
BANDS = {"targeted": (5, 10), "moderate": (10, 15), "high": (15, 25), "full": (25, 30)}
BAND_MIX = [("targeted", 20), ("moderate", 35), ("high", 30), ("full", 15)]
UNSTRUCTURED = "registration, lesson, break, lunch"


def minutes_of(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def weighted(rng: random.Random, pairs: list[tuple[Any, float]]) -> Any:
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


# ---------------------------------------------------------------------------
# The week and a draft school
# ---------------------------------------------------------------------------


@dataclass
class Draft:
    """A school being generated, with what the sizing estimate needs."""

    name: str
    phase: str
    slots: list[SlotSpec]
    header: list[str] = field(default_factory=list)
    staff: list[Doc] = field(default_factory=list)
    classes: list[Doc] = field(default_factory=list)
    lessons: list[Doc] = field(default_factory=list)
    support: list[Doc] = field(default_factory=list)
    pupils: list[Doc] = field(default_factory=list)
    interventions: list[Doc] = field(default_factory=list)
    duties: list[Doc] = field(default_factory=list)
    rooms: list[Doc] = field(default_factory=list)
    class_slots: dict[str, set[DaySlot]] = field(default_factory=dict)
    subject_at: dict[tuple[str, DaySlot], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.shape = WeekShape(
            days=tuple(DAYS),
            slots=tuple(s[0] for s in self.slots),
            kinds=tuple(s[3] for s in self.slots),
        )
        self.minutes = [minutes_of(s[2]) - minutes_of(s[1]) for s in self.slots]
        self.lesson_slots = parse_when("lesson", self.shape)

    def when(self, expr: str | None) -> set[DaySlot]:
        return parse_when(expr, self.shape)

    def mins(self, slots: set[DaySlot]) -> int:
        return sum(self.minutes[s] for _, s in slots)

    def add_class(self, cid: str, lessons: dict[str, set[DaySlot]] | None = None, **extra: Any) -> None:
        """A class; `lessons` maps subject -> slots (None: it meets in every lesson slot)."""
        self.classes.append({"id": cid, **extra})
        if lessons is None:
            self.class_slots[cid] = set(self.lesson_slots)
            return
        self.class_slots[cid] = set()
        for subject, slots in lessons.items():
            self.lessons.append({"class": cid, "when": self.expr(slots), "subject": subject})
            self.class_slots[cid] |= slots
            for t in slots:
                self.subject_at[cid, t] = subject

    def expr(self, slots: set[DaySlot]) -> str:
        return ", ".join(f"{DAYS[d]} {self.slots[s][0]}" for d, s in sorted(slots))

    def place(self, pupil: Doc) -> dict[DaySlot, str]:
        out: dict[DaySlot, str] = {}
        for c in pupil["classes"]:
            for t in self.class_slots[c]:
                out.setdefault(t, c)
        return out

    # --- sizing ------------------------------------------------------------

    def support_minutes(self, row: Doc) -> int:
        meets = self.class_slots[row["class"]]
        slots = meets if row.get("when") is None else self.when(row["when"]) & meets
        return row.get("staff", 1) * self.mins(slots)

    def estimate(self) -> dict[str, float]:
        """Adult minutes the week asks for, and what the staff can give (for sizing only)."""
        places = {p["id"]: self.place(p) for p in self.pupils}
        poolers = [p for p in self.pupils if p.get("ehcp", {}).get("group_max", 1) > 1]
        ehc_lesson = ehc_other = 0.0
        for p in self.pupils:
            plan = p.get("ehcp")
            if not plan:
                continue
            place = places[p["id"]]
            share = 1.0
            gm = plan.get("group_max", 1)
            if gm > 1 and place:
                sizes = []
                for t, c in place.items():
                    mates = sum(1 for q in poolers if q is not p and places[q["id"]].get(t) == c)
                    sizes.append(min(gm, 1 + mates))
                share = len(sizes) / sum(sizes)
            adult = plan["hours"] * 60 * plan.get("adults", 1) * share
            lesson_min = self.mins(set(place))
            frac = min(1.0, lesson_min / (plan["hours"] * 60)) if plan.get("when") else 1.0
            ehc_lesson += adult * frac
            ehc_other += adult * (1 - frac)
        iv_lesson = iv_other = 0.0
        for iv in self.interventions:
            ws = self.when(iv.get("when", "lesson"))
            fit = [self.minutes[s] for _, s in ws if self.minutes[s] >= iv["minutes"]]
            m = min(fit) * iv["sessions"]
            if ws <= self.lesson_slots:
                iv_lesson += m
            else:
                iv_other += m
        duties = sum(
            d.get("staff", 1) * self.mins(self.when(d["when"]))
            for d in self.duties
            if d.get("paid", "contract") != "extra"
        )
        support = sum(self.support_minutes(r) for r in self.support)
        contracted = sum(s["hours"] * 60 for s in self.staff)
        lesson_cap = 0.0
        for s in self.staff:
            works = self.when(s.get("available", "*")) - self.when(s.get("unavailable"))
            lesson_cap += min(s["hours"] * 60, self.mins(works & self.lesson_slots))
        lesson = ehc_lesson + support + iv_lesson
        total = lesson + ehc_other + iv_other + duties
        return {
            "contracted": contracted,
            "lesson_cap": lesson_cap,
            "lesson_demand": lesson,
            "total": total,
            "ehc": ehc_lesson + ehc_other,
            "support": support,
            "interventions": iv_lesson + iv_other,
            "duties": duties,
            "ratio": total / contracted,
            "lesson_ratio": lesson / lesson_cap,
        }

    def fill_support(self, candidates: list[Doc], target: float = TARGET) -> None:
        """Add class-support rows, most needed first, until demand reaches the target."""
        est = self.estimate()
        total, lesson = est["total"], est["lesson_demand"]
        for row in candidates:
            if total >= target * est["contracted"] or lesson >= target * est["lesson_cap"]:
                break
            m = self.support_minutes(row)
            self.support.append(row)
            total += m
            lesson += m

    # --- output --------------------------------------------------------------

    def document(self) -> Doc:
        clean = [{k: v for k, v in p.items() if not k.startswith("_")} for p in self.pupils]
        doc: Doc = {
            "school": {"name": self.name, "phase": self.phase, "paid_weeks": 43.6, "oncost": 0.28},
            "calendar": {
                "days": list(DAYS),
                "slots": [{"id": i, "start": a, "end": b, "kind": k} for i, a, b, k in self.slots],
            },
            "staff": self.staff,
            "classes": self.classes,
            "lessons": self.lessons,
            "support": self.support,
            "pupils": clean,
            "interventions": self.interventions,
            "duties": self.duties,
            "rooms": self.rooms,
            "rules": {
                "rotation": {"min_staff": 2, "max_share": 0.6, "max_consecutive": 2},
                "max_withdrawal": 0.2,
            },
        }
        if not self.lessons:
            del doc["lessons"]
        return doc


# ---------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------


def make_staff(
    rng: random.Random,
    n: int,
    *,
    day: str,
    full_hours: float,
    part_times: list[tuple[str, float]],
    skills: dict[str, float],
    subjects: list[str] | None = None,
) -> list[Doc]:
    """n TAs: the §3.2 contract mix, §3.1 pay, skills drawn at the given rates.

    `day` is the full working day's when-expression; `part_times` are (availability,
    hours it can hold) patterns for the 15-25 h contracts.
    """
    n_full = round(0.4 * n)
    n_mid = round(0.3 * n)
    out: list[Doc] = []
    for i in range(n):
        if i < n_full:
            hours, avail = full_hours, day
        elif i < n_full + n_mid:
            hours, avail = min(full_hours, rng.choice([27.5, 30.0])), day
        else:
            avail, cap = rng.choice(part_times)
            hours = min(cap, rng.choice([15.0, 17.5, 20.0, 22.5, 25.0]))
        role = weighted(rng, [("HLTA", 0.25 if i < n_full else 0.03), ("TA3", 0.3), ("TA2", 0.6)])
        s: Doc = {"id": f"S{i + 1:02d}", "role": role, "hours": hours}
        if avail != "*":
            s["available"] = avail
        s["hourly_cost"] = rng.choice(PAY[role])
        s["skills"] = sorted(k for k, rate in skills.items() if rng.random() < rate)
        if subjects:
            s["subjects"] = sorted(rng.sample(subjects, rng.choice([1, 1, 2])))
        if rng.random() < 0.15:
            s["max_duties"] = rng.choice([3, 4, 5])
        out.append(s)
    rng.shuffle(out)  # contract types spread through the list
    for i, s in enumerate(out):
        s["id"] = f"S{i + 1:02d}"
    return out


def ensure_skill(rng: random.Random, staff: list[Doc], skill: str, count: int) -> None:
    """At least `count` adults hold the skill (trained programmes, 2:1 Team Teach)."""
    holders = [s for s in staff if skill in s["skills"]]
    others = [s for s in staff if skill not in s["skills"]]
    rng.shuffle(others)
    others.sort(key=lambda s: -s["hours"])
    for s in others[: max(0, count - len(holders))]:
        s["skills"] = sorted([*s["skills"], skill])


# ---------------------------------------------------------------------------
# EHC plans in mainstream schools
# ---------------------------------------------------------------------------


def band_quota(rng: random.Random, needs: list[str]) -> list[str]:
    """Bands by quota (20/35/30/15% of plans, §5.2), SEMH and ASD skewed higher,
    MLD and SpLD lower, so the total hours are stable."""
    n = len(needs)
    quota = Counter({b: round(w / 100 * n) for b, w in BAND_MIX})
    quota["moderate"] += n - sum(quota.values())
    skew = {"SEMH": 0.6, "ASD": 0.6, "MLD": -0.6, "SPLD": -0.6}
    order = sorted(range(n), key=lambda i: skew.get(needs[i], 0) + rng.random())
    bands = [b for b in ("targeted", "moderate", "high", "full") for _ in range(quota[b])]
    out = [""] * n
    for i, b in zip(order, bands, strict=True):
        out[i] = b
    return out


def mainstream_plan(rng: random.Random, need: str, band: str) -> Doc:
    """An EHC plan's Section F support as a mainstream school writes it (§5.1-5.2)."""
    hours = plan_hours(rng, *BANDS[band])
    plan: Doc = {"hours": hours}
    if band == "targeted":
        plan.update(mode="any", group_max=3)
    elif band == "moderate":
        plan["group_max"] = rng.choice([2, 3])
    elif band == "high":
        if rng.random() < 0.35:
            plan["group_max"] = 2
        if hours > 20 or (need in ("ASD", "SEMH") and rng.random() < 0.5):
            plan.update(mode="any", when="lesson, break, lunch")
    else:
        plan.update(mode="any", when=UNSTRUCTURED)
    if need == "SEMH" and band in ("high", "full"):
        plan["skills"] = ["team_teach"]
    elif need == "PD":
        plan["skills"] = ["manual_handling"]
    elif need == "HI" and rng.random() < 0.5:
        plan["skills"] = ["bsl"]
    elif need == "SLCN" and rng.random() < 0.3:
        plan["skills"] = ["makaton"]
    return plan


def two_to_one(pupil: Doc) -> None:
    """A 2:1 Team Teach plan (behaviour that challenges), at unstructured times too."""
    pupil["need"] = "SEMH"
    pupil["ehcp"] = {
        "hours": 10.0,
        "mode": "any",
        "adults": 2,
        "skills": ["team_teach"],
        "when": "lesson, break, lunch",
    }
    pupil["rotation"] = {"max_share": 0.5}


# ---------------------------------------------------------------------------
# Primary
# ---------------------------------------------------------------------------

PRIMARY_SLOTS: list[SlotSpec] = [
    ("BC", "08:00", "08:45", "before_school"),  # breakfast club
    ("REG", "08:45", "09:00", "registration"),
    ("P1", "09:00", "09:45", "lesson"),
    ("P2", "09:45", "10:30", "lesson"),
    ("BRK", "10:30", "10:45", "break"),
    ("P3", "10:45", "11:30", "lesson"),
    ("P4", "11:30", "12:00", "lesson"),  # phonics / guided reading
    ("LUN1", "12:00", "12:30", "lunch"),
    ("LUN2", "12:30", "13:00", "lunch"),
    ("P5", "13:00", "13:30", "lesson"),
    ("P6", "13:30", "14:30", "lesson"),
    ("P7", "14:30", "15:15", "lesson"),
    ("ASC", "15:15", "16:15", "after_school"),
]
PRIMARY_SKILLS = {
    "first_aid": 0.5,
    "team_teach": 0.3,
    "epilepsy": 0.3,
    "makaton": 0.3,
    "manual_handling": 0.2,
    "diabetes": 0.15,
}
PRIMARY_PART_TIMES = [
    ("Mon-Wed REG-P7", 19.5),
    ("Wed-Fri REG-P7", 19.5),
    ("Mon-Thu REG-P7", 25.0),
    ("REG-P4", 16.25),
    ("REG-LUN2", 18.75),
    ("LUN1-P7", 16.25),
]


def primary(kind: str, rng: random.Random) -> Draft:
    fe = {"primary-1fe": 1, "primary-2fe": 2, "primary-3fe": 3, "tiny": 1}[kind]
    years = ["R", "1"] if kind == "tiny" else ["R", "1", "2", "3", "4", "5", "6"]
    n_staff = {"primary-1fe": 13, "primary-2fe": 25, "primary-3fe": 34, "tiny": 5}[kind]
    roll = 30 * fe * len(years)
    n_ehc = 2 if kind == "tiny" else round(0.035 * roll)
    d = Draft(f"Benchmark primary ({kind})", "primary", PRIMARY_SLOTS)
    letters = "ABC"[:fe]
    forms = {y: [f"{'Rec' if y == 'R' else 'Y' + y}{L}" for L in letters] for y in years}
    for y in years:
        for c in forms[y]:
            d.add_class(c, year=y)
    d.staff = make_staff(
        rng,
        n_staff,
        day="REG-P7",
        full_hours=32.5,
        part_times=PRIMARY_PART_TIMES,
        skills=PRIMARY_SKILLS,
    )
    for s in d.staff:
        if s["hours"] >= 25 and rng.random() < 0.3:
            s["available"] = "BC-ASC"  # also works breakfast or after-school club
    counter = iter(range(1, 10000))

    def new_pupil(cls: str, need: str | None) -> Doc:
        p: Doc = {"id": f"P{next(counter):03d}", "classes": [cls]}
        if need:
            p["need"] = need
        d.pupils.append(p)
        return p

    all_classes = [c for y in years for c in forms[y]]
    needs = [weighted(rng, NEED_MIX) for _ in range(n_ehc)]
    bands = band_quota(rng, needs)
    for need, band in zip(needs, bands, strict=True):
        p = new_pupil(rng.choice(all_classes), need)
        p["ehcp"] = mainstream_plan(rng, need, band)
        if need == "PD" and "medical" not in p:
            p["medical"] = {"skills": ["epilepsy"], "when": "lesson, break, lunch"}
    ehc = [p for p in d.pupils if "ehcp" in p]
    if fe >= 2 and kind != "tiny":
        for p in ehc[: fe - 1]:
            two_to_one(p)
    for _ in range(fe):  # type 1 diabetes: a trained adult near all day
        new_pupil(rng.choice(all_classes), None)["medical"] = {
            "skills": ["diabetes"],
            "when": "lesson, break, lunch",
        }

    # Interventions with EEF/programme dosage (§4), per form of entry.
    ivs = d.interventions
    for k, L in enumerate(letters):
        rec, y1 = f"Rec{L}", f"Y1{L}"
        neli = [new_pupil(rec, "SLCN") for _ in range(4)]
        ivs.append(
            {
                "id": f"NELI-{rec}",
                "programme": "NELI",
                "pupils": [p["id"] for p in neli],
                "sessions": 3,
                "minutes": 30,
                "skills": ["neli"],
                "when": "P1-P4",
                "room_kind": "quiet",
                "priority": "high",
            }
        )
        if kind == "tiny":
            break
        y2, ks2 = f"Y2{L}", [f"Y{n}{L}" for n in "3456"]
        for cls in (y1, y2):
            p = new_pupil(cls, rng.choice(["SPLD", "NSA", "MLD"]))
            ivs.append(
                {
                    "id": f"SOR-{p['id']}",
                    "programme": "Switch-on Reading",
                    "pupils": [p["id"]],
                    "sessions": 5,
                    "minutes": 20,
                    "skills": ["switch_on"],
                    "when": "P4, P5",
                    "room_kind": "quiet",
                }
            )
        fcn = [new_pupil(y2, rng.choice(["MLD", "NSA"])) for _ in range(3)]
        ivs.append(
            {
                "id": f"1CN-{y2}",
                "programme": "1stClass@Number 1",
                "pupils": [p["id"] for p in fcn],
                "sessions": 3,
                "minutes": 30,
                "skills": ["first_class_number"],
                "when": "P5-P7",
                "room_kind": "quiet",
            }
        )
        tb = [new_pupil(y1, "SLCN") for _ in range(4)]
        ivs.append(
            {
                "id": f"TB-{y1}",
                "programme": "Talk Boost KS1",
                "pupils": [p["id"] for p in tb],
                "sessions": 3,
                "minutes": 30,
                "skills": ["talk_boost"],
                "when": "P5-P7",
                "room_kind": "quiet",
                "priority": "low",
            }
        )
        p = new_pupil(rng.choice(ks2[:2]), "SPLD")
        ivs.append(
            {
                "id": f"CUL-{p['id']}",
                "programme": "Catch Up Literacy",
                "pupils": [p["id"]],
                "sessions": 2,
                "minutes": 15,
                "skills": ["catch_up_literacy"],
                "when": "REG",
                "room_kind": "quiet",
                "priority": "low",
            }
        )
        for cls in rng.sample(ks2, 2):
            p = new_pupil(cls, "SEMH")
            ivs.append(
                {
                    "id": f"ELSA-{p['id']}",
                    "programme": "ELSA",
                    "pupils": [p["id"]],
                    "sessions": 1,
                    "minutes": 30,
                    "skills": ["elsa"],
                    "when": "P5-P7",
                    "room_kind": "nurture",
                }
            )
        del k
    for skill in (
        "neli",
        "switch_on",
        "first_class_number",
        "talk_boost",
        "catch_up_literacy",
        "elsa",
    ):
        if any(skill in iv["skills"] for iv in ivs):
            ensure_skill(rng, d.staff, skill, 1 + fe)
    ensure_skill(rng, d.staff, "team_teach", 4 + 2 * fe)
    ensure_skill(rng, d.staff, "first_aid", 3 + 2 * fe)
    ensure_skill(rng, d.staff, "diabetes", 2 + fe)
    ensure_skill(rng, d.staff, "epilepsy", 2 + fe)
    ensure_skill(rng, d.staff, "manual_handling", 2 + fe)
    ensure_skill(rng, d.staff, "makaton", 2 + fe)
    ensure_skill(rng, d.staff, "bsl", 2)

    d.rooms = [{"id": "Library", "kind": "quiet", "capacity": 2}]
    d.rooms += [{"id": f"Group{L}", "kind": "quiet"} for L in letters]
    d.rooms.append({"id": "Nurture", "kind": "nurture"})
    d.duties = [
        {
            "id": "breakfast",
            "name": "Breakfast club",
            "when": "BC",
            "staff": 1 + fe,
            "any_skills": ["first_aid"],
            "paid": "extra",
        },
        {"id": "gate", "name": "Morning gate", "when": "REG", "staff": 1 + fe},
        {
            "id": "break",
            "name": "Playground at break",
            "when": "BRK",
            "staff": 1 + 2 * fe,
            "any_skills": ["first_aid"],
            "priority": "high",
        },
        {
            "id": "lunch",
            "name": "Lunch supervision",
            "when": "lunch",
            "staff": 1 + 2 * fe,
            "any_skills": ["first_aid"],
            "priority": "high",
        },
        {
            "id": "club",
            "name": "After-school club",
            "when": "ASC",
            "staff": 1 + fe,
            "any_skills": ["first_aid"],
            "paid": "extra",
            "priority": "low",
        },
    ]
    # Class support, most needed first: Reception and KS1 all day, KS2 mornings, KS2 afternoons.
    cands: list[Doc] = []
    for c in forms["R"]:
        cands += [
            {"class": c, "when": "P1-P4", "staff": 2, "priority": "high"},
            {"class": c, "when": "P5-P7", "priority": "high"},
        ]
    for y in years[1:3]:
        cands += [{"class": c, "priority": "high" if y == "1" else "normal"} for c in forms[y]]
    for y in years[3:]:
        cands += [{"class": c, "when": "P1-P4", **({"priority": "low"} if y == "6" else {})} for c in forms[y]]
    for y in years[3:]:
        cands += [{"class": c, "when": "P5-P7", "priority": "low"} for c in forms[y]]
    d.fill_support(cands)
    d.support.sort(key=lambda r: (all_classes.index(r["class"]), r.get("when") or ""))
    d.header = [
        f"A {fe}-form-entry primary ({len(all_classes)} classes, {roll} pupils on roll): "
        f"{len(ehc)} EHC plans (3.5%, §2.3),",
        f"{n_staff} TAs (§2.1), the published primary day (§2.6), EEF intervention dosage (§4).",
    ]
    return d


# ---------------------------------------------------------------------------
# Secondary
# ---------------------------------------------------------------------------

SECONDARY_SLOTS: list[SlotSpec] = [
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
PERIOD_SLOT = [1, 2, 4, 6, 7]  # P1..P5 as positions in SECONDARY_SLOTS
SECONDARY_SKILLS = {
    "first_aid": 0.45,
    "team_teach": 0.4,
    "epilepsy": 0.3,
    "manual_handling": 0.2,
    "diabetes": 0.2,
    "bsl": 0.08,
}
SECONDARY_PART_TIMES = [
    ("Mon-Wed REG-P5", 19.5),
    ("Wed-Fri REG-P5", 19.5),
    ("Mon-Thu REG-P5", 25.0),
    ("REG-P3", 17.5),
    ("P3-P5", 17.5),
]
STAFF_SUBJECTS = ["En", "Ma", "Sc", "Hi", "Ge", "Fr", "Pe", "Dt", "Ar", "Re"]
NONCORE_KS3 = [
    ("Hi", 2),
    ("Ge", 2),
    ("Fr", 2),
    ("Pe", 2),
    ("Re", 1),
    ("Ar", 1),
    ("Mu", 1),
    ("Dt", 1),
    ("Co", 1),
]
NONCORE_KS4 = [("Hi", 3), ("Ge", 3), ("Fr", 3), ("Pe", 2), ("Re", 1), ("Ps", 1)]
SIXTH_SUBJECTS = ["Ma", "Bi", "Ch", "Ph", "En", "Hi", "Ge", "Ps", "Ec", "Ar", "Cs", "So"]


@dataclass
class Timetable:
    """A secondary timetable: classes with their slots and subject, and how a pupil
    of a form picks their classes."""

    source: list[str]
    forms: dict[int, list[str]]
    slots: dict[str, set[DaySlot]]
    subject: dict[str, str]
    year: dict[str, int]
    pick: Callable[[random.Random, int, str, bool], list[str]]


def synthetic_timetable(rng: random.Random, forms_per_year: int, sixth_groups: int) -> Timetable:
    """Years 7-11: forms in two bands; Ma, En and Sc setted across each band (4 periods
    each, on different days, every set of a band at once); the other 13 periods taught
    to the form. Years 12-13: four option blocks of 5 periods, `sixth_groups` groups each."""
    slots: dict[str, set[DaySlot]] = {}
    subject: dict[str, str] = {}
    year: dict[str, int] = {}
    forms: dict[int, list[str]] = {}
    form_classes: dict[str, list[str]] = {}
    sets: dict[tuple[str, str], list[str]] = {}  # (form, core subject) -> sets, top first
    cells = [(d, p) for d in range(5) for p in PERIOD_SLOT]

    def add(cid: str, subj: str, y: int, at: set[DaySlot]) -> None:
        slots[cid], subject[cid], year[cid] = at, subj, y

    for y in range(7, 12):
        names = [f"{y}{L}" for L in "ABCDEFGHJK"[:forms_per_year]]
        forms[y] = names
        half = (len(names) + 1) // 2
        for b, band in enumerate((names[:half], names[half:])):
            free = set(cells)
            core: dict[str, set[DaySlot]] = {}
            for subj in ("Ma", "En", "Sc"):
                days = sorted(range(5), key=lambda day: (-sum(c[0] == day for c in free), rng.random()))
                core[subj] = set()
                for day in days[:4]:
                    cell = rng.choice(sorted(c for c in free if c[0] == day))
                    core[subj].add(cell)
                    free.discard(cell)
            for subj, at in core.items():
                group = [f"{subj}-{y}{'xy'[b]}{k + 1}" for k in range(len(band))]
                for cid in group:
                    add(cid, subj, y, at)
                for form in band:
                    sets[form, subj] = group
            rest = sorted(free)
            for form in band:
                order = [s for s, n in (NONCORE_KS3 if y <= 9 else NONCORE_KS4) for _ in range(n)]
                rng.shuffle(order)
                mine: dict[str, set[DaySlot]] = {}
                for subj, cell in zip(order, rest, strict=True):
                    mine.setdefault(subj, set()).add(cell)
                form_classes[form] = []
                for subj, at in sorted(mine.items()):
                    add(f"{subj}-{form}", subj, y, at)
                    form_classes[form].append(f"{subj}-{form}")
    blocks: dict[int, list[list[str]]] = {}
    for y in (12, 13):
        forms[y] = [str(y)]
        order = list(cells)
        rng.shuffle(order)
        blocks[y] = []
        for b in range(4):
            at = set(order[5 * b : 5 * b + 5])
            group = []
            for k, subj in enumerate(rng.sample(SIXTH_SUBJECTS, sixth_groups)):
                cid = f"{subj}-{y}{'ABCD'[b]}{k + 1}"
                add(cid, subj, y, at)
                group.append(cid)
            blocks[y].append(group)

    def pick(rng: random.Random, y: int, form: str, send: bool) -> list[str]:
        if y >= 12:
            return sorted(rng.choice(group) for group in rng.sample(blocks[y], 3))
        out = list(form_classes[form])
        for subj in ("Ma", "En", "Sc"):
            group = sets[form, subj]
            # SEND pupils mostly in the lower sets
            low = len(group) - 1
            k = low - min(low, int(rng.expovariate(1.2))) if send else rng.randrange(len(group))
            out.append(group[k])
        return sorted(out)

    groups = len({c for c in slots if (0, 1) in slots[c]})
    source = [
        f"Synthetic timetable: {forms_per_year} forms a year in Years 7-11 (core subjects setted",
        f"across half-year bands), a sixth form in option blocks; {groups} teaching groups in",
        "each period, 5 x 60 min periods (§2.6).",
    ]
    return Timetable(source, forms, slots, subject, year, pick)


def stpauls_timetable() -> Timetable:
    """The real St Paul's timetable, read by examples/build_stpauls.py's own code."""
    path = ROOT / "examples" / "build_stpauls.py"
    spec = importlib.util.spec_from_file_location("build_stpauls", path)
    assert spec is not None and spec.loader is not None
    sp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sp)
    tt = sp.Timetable(sp.find_csv(None))
    ids = [s[0] for s in SECONDARY_SLOTS]
    assert [s[0] for s in sp.SLOTS] == ids, "St Paul's day differs from SECONDARY_SLOTS"
    forms = {y: [f"{y}{f}" for f in "ALPSTU"] for y in range(7, 12)}
    forms |= {12: ["12"], 13: ["13"]}

    def pick(rng: random.Random, y: int, form: str, send: bool) -> list[str]:
        if y >= 12:
            return list(sp.sixth_form_classes(tt, rng, y))
        return list(sp.pupil_classes(tt, rng, form, set_bias=0.6 if send else 0.4))

    year = {c: tt.year(c) for c in tt.slots}
    source = [
        "Timetable: the real St Paul's one (XHSTT EnglandStPaul, best known solution Dudek",
        f"2022; {len(tt.lessons)} lessons of {len(tt.slots)} courses), read with",
        "examples/build_stpauls.py. Cite Post et al., Annals of OR 218 (2014) 295-301.",
    ]
    return Timetable(source, forms, {c: set(v) for c, v in tt.slots.items()}, dict(tt.subject), year, pick)


def secondary(kind: str, rng: random.Random) -> Draft:
    roll = {"secondary-1000": 1000, "secondary-1500": 1500, "secondary-stpauls": 1500}[kind]
    if kind == "secondary-stpauls":
        tt = stpauls_timetable()
    else:
        tt = synthetic_timetable(rng, 7 if roll == 1000 else 10, 3 if roll == 1000 else 4)
    scale = roll / 1000
    n_staff = round(28 * scale)
    d = Draft(f"Benchmark secondary ({kind})", "secondary", SECONDARY_SLOTS)
    for cid in sorted(tt.slots, key=lambda c: (tt.year[c], c)):
        d.add_class(cid, {tt.subject[cid]: tt.slots[cid]}, year=tt.year[cid])
    d.staff = make_staff(
        rng,
        n_staff,
        day="REG-P5",
        full_hours=32.5,
        part_times=SECONDARY_PART_TIMES,
        skills=SECONDARY_SKILLS,
        subjects=STAFF_SUBJECTS,
    )
    for s in d.staff:
        if s["hours"] >= 27.5 and rng.random() < 0.25:
            s["available"] = "REG-AS"  # can run homework club
    counter = iter(range(1, 10000))
    heavy = {y: rng.sample(tt.forms[y], min(2, len(tt.forms[y]))) for y in tt.forms}

    def new_pupil(y: int, need: str | None, send: bool = True, form: str | None = None) -> Doc:
        if form is None:
            form = rng.choice(heavy[y]) if rng.random() < 0.6 else rng.choice(tt.forms[y])
        p: Doc = {
            "id": f"P{next(counter):03d}",
            "classes": tt.pick(rng, y, form, send),
            "_year": y,
            "_form": form,
        }
        if need:
            p["need"] = need
        d.pupils.append(p)
        return p

    n_ehc = round(0.033 * roll)
    shares = {7: 22, 8: 21, 9: 20, 10: 18, 11: 14, 12: 3, 13: 2}
    years = [weighted(rng, list(shares.items())) for _ in range(n_ehc)]
    years.sort()
    needs = [weighted(rng, NEED_MIX) for _ in range(n_ehc)]
    bands = band_quota(rng, needs)
    for y, need, band in zip(years, needs, bands, strict=True):
        p = new_pupil(y, need)
        plan = mainstream_plan(rng, need, band)
        if need in ("SPLD", "MLD") and band == "moderate" and y <= 11 and rng.random() < 0.6:
            plan["subjects"] = ["En", "Hi", "Ge", "Re", "Sc"]  # where the reading load is heavy
        p["ehcp"] = plan
    ehc = [p for p in d.pupils if "ehcp" in p]
    ks3 = [p for p in ehc if p["_year"] <= 9]
    for p in ks3[: round(scale)]:
        two_to_one(p)
    pd = next((p for p in ehc if p["need"] == "PD"), None) or ks3[-1]
    pd.update(need="PD", rotation={"min_staff": 3})
    pd["ehcp"] = {"hours": 27.5, "mode": "any", "skills": ["manual_handling"], "when": UNSTRUCTURED}
    pd["medical"] = {"skills": ["epilepsy"], "when": "lesson, break, lunch"}
    for _ in range(round(scale)):  # type 1 diabetes
        new_pupil(rng.choice([7, 8, 9, 10]), None, send=False)["medical"] = {
            "skills": ["diabetes"],
            "when": "break, lunch",
        }

    # SEN-support pupils in TA-delivered interventions with EEF/programme dosage (§4).
    ivs = d.interventions

    def one_to_one(
        prog: str,
        code: str,
        y: int,
        need: list[str],
        sessions: int,
        minutes: int,
        skill: str,
        when: str,
        room: str,
        **extra: Any,
    ) -> None:
        p = new_pupil(y, rng.choice(need))
        ivs.append(
            {
                "id": f"{code}-{p['id']}",
                "programme": prog,
                "pupils": [p["id"]],
                "sessions": sessions,
                "minutes": minutes,
                "skills": [skill],
                "when": when,
                "room_kind": room,
                **extra,
            }
        )

    for _ in range(round(3 * scale)):
        one_to_one(
            "Switch-on Reading",
            "SOR",
            7,
            ["SPLD", "NSA", "MLD"],
            5,
            20,
            "switch_on",
            "registration",
            "quiet",
        )
    for _ in range(round(3 * scale)):
        one_to_one(
            "Catch Up Literacy",
            "CUL",
            8,
            ["SPLD", "NSA"],
            2,
            15,
            "catch_up_literacy",
            "registration",
            "quiet",
        )
    for _ in range(round(2 * scale)):
        one_to_one(
            "Catch Up Numeracy",
            "CUN",
            7,
            ["MLD", "NSA"],
            2,
            15,
            "catch_up_numeracy",
            "registration",
            "quiet",
            priority="low",
        )
    for k in range(round(scale)):
        y = 8 + k % 2
        form = heavy[y][0]
        group = [new_pupil(y, rng.choice(["SPLD", "SLCN", "MLD"]), form=form) for _ in range(5)]
        ivs.append(
            {
                "id": f"LEXIA-{k + 1}",
                "programme": "Lexia Core5",
                "pupils": [p["id"] for p in group],
                "sessions": 4,
                "minutes": 30,
                "skills": ["lexia"],
                "when": "lesson",
                "avoid_subjects": ["Ma", "En", "Sc"],
                "room_kind": "ict",
            }
        )
        form = heavy[7][k % len(heavy[7])]
        group = [new_pupil(7, rng.choice(["SLCN", "MLD", "NSA"]), form=form) for _ in range(4)]
        ivs.append(
            {
                "id": f"FRESH-{k + 1}",
                "programme": "Read Write Inc. Fresh Start",
                "pupils": [p["id"] for p in group],
                "sessions": 3,
                "minutes": 45,
                "skills": ["fresh_start"],
                "when": "lesson",
                "avoid_subjects": ["Ma", "Sc"],
                "room_kind": "quiet",
                "priority": "high",
            }
        )
    for _ in range(round(4 * scale)):
        one_to_one(
            "ELSA",
            "ELSA",
            rng.choice([7, 8, 9, 10]),
            ["SEMH"],
            1,
            30,
            "elsa",
            "lesson",
            "nurture",
            avoid_subjects=["Ma", "En", "Sc"],
        )
    # A literacy group for targeted plans in one Year 7 form: counts toward their EHC hours.
    targeted = [p for p in ehc if p["_year"] == 7 and p["ehcp"].get("group_max") == 3][:3]
    if len(targeted) >= 2:
        form = targeted[0]["_form"]
        for p in targeted:
            p["_form"] = form
            p["classes"] = tt.pick(rng, 7, form, True)
        ivs.append(
            {
                "id": "LIT-Y7",
                "programme": "Literacy catch-up (small group)",
                "pupils": [p["id"] for p in targeted],
                "sessions": 3,
                "minutes": 30,
                "skills": ["catch_up_literacy"],
                "when": "lesson",
                "avoid_subjects": ["Ma", "Sc"],
                "room_kind": "quiet",
                "counts_for_ehcp": True,
            }
        )
    if kind == "secondary-stpauls":  # its forms hold every course: pupils never clash
        pass
    for skill in (
        "switch_on",
        "catch_up_literacy",
        "catch_up_numeracy",
        "lexia",
        "fresh_start",
        "elsa",
    ):
        ensure_skill(rng, d.staff, skill, round(2 * scale))
    ensure_skill(rng, d.staff, "team_teach", round(10 * scale))
    ensure_skill(rng, d.staff, "manual_handling", round(6 * scale))
    ensure_skill(rng, d.staff, "epilepsy", round(6 * scale))
    ensure_skill(rng, d.staff, "diabetes", round(4 * scale))
    ensure_skill(rng, d.staff, "first_aid", round(10 * scale))
    ensure_skill(rng, d.staff, "bsl", 3)
    ensure_skill(rng, d.staff, "makaton", 3)

    n = round(scale)
    d.duties = [
        {
            "id": "gate",
            "name": "Gate and corridor duty",
            "when": "REG",
            "staff": 1 + n,
            "priority": "low",
        },
        {
            "id": "break",
            "name": "Break duty (yard and canteen)",
            "when": "BRK",
            "staff": 2 + 2 * n,
            "any_skills": ["first_aid"],
            "priority": "high",
        },
        {
            "id": "lunch",
            "name": "Lunch duty",
            "when": "LUN",
            "staff": 3 + 3 * n,
            "any_skills": ["first_aid"],
            "priority": "high",
        },
        {
            "id": "hub",
            "name": "Learning support hub at break and lunch",
            "when": "break, lunch",
            "staff": 1 + n,
        },
        {
            "id": "homework",
            "name": "Homework club (library)",
            "when": "Mon-Thu AS",
            "staff": 1 + n,
            "paid": "extra",
            "priority": "low",
        },
    ]
    d.rooms = [{"id": "Library", "kind": "quiet", "capacity": 3}]
    d.rooms += [{"id": f"LSU{k + 1}", "kind": "quiet"} for k in range(1 + n)]
    d.rooms += [{"id": "ICT2", "kind": "ict"}, {"id": "Nurture", "kind": "nurture"}]

    # Class support in the lessons with most listed SEND pupils (EHC pupils count double),
    # English and maths first, then science and practical subjects.
    score: Counter[str] = Counter()
    for p in d.pupils:
        if p.get("need") or p.get("ehcp"):
            for c in p["classes"]:
                if tt.year[c] <= 11:
                    score[c] += 2 if p.get("ehcp") else 1
    bonus = {"Ma": 6, "En": 6, "Sc": 4, "Dt": 3, "Da": 3}
    ranked = sorted(
        (c for c in score if score[c] >= 2),
        key=lambda c: (-(score[c] + bonus.get(tt.subject[c], 0)), c),
    )
    cands = []
    for c in ranked:
        subj = tt.subject[c]
        row: Doc = {"class": c, "subjects": [subj]}
        if subj in ("Ma", "En") and score[c] >= 4:
            row["priority"] = "high"
        elif subj not in ("Ma", "En", "Sc", "Dt", "Da"):
            row["priority"] = "low"
        cands.append(row)
    d.fill_support(cands)
    d.support.sort(key=lambda r: (tt.year[r["class"]], r["class"]))
    groups = len({c for c in tt.slots if (0, 1) in tt.slots[c]})
    d.header = [
        *tt.source,
        f"SEND for a roll of {roll:,}: {len(ehc)} EHC plans (3.3%, §2.3; hours §5.2, needs §2.4),",
        f"SEN-support pupils in interventions (§4); {n_staff} TAs (§2.1, §3); {groups} groups a period.",
    ]
    return d


# ---------------------------------------------------------------------------
# Special
# ---------------------------------------------------------------------------

SPECIAL_SLOTS: list[SlotSpec] = [
    ("ARR", "08:45", "09:15", "before_school"),  # transport arrival, personal care
    ("P1", "09:15", "10:00", "lesson"),
    ("P2", "10:00", "10:45", "lesson"),
    ("BRK", "10:45", "11:05", "break"),
    ("P3", "11:05", "12:00", "lesson"),
    ("LUN1", "12:00", "12:40", "lunch"),  # supported eating
    ("LUN2", "12:40", "13:10", "lunch"),  # play
    ("P4", "13:10", "14:00", "lesson"),
    ("P5", "14:00", "14:45", "lesson"),
    ("DEP", "14:45", "15:15", "after_school"),  # departure to transport
]
SPECIAL_SKILLS = {
    "makaton": 0.7,
    "team_teach": 0.45,
    "manual_handling": 0.4,
    "epilepsy": 0.4,
    "first_aid": 0.4,
    "gastrostomy": 0.15,
    "diabetes": 0.12,
}
SPECIAL_PART_TIMES = [("Mon-Wed", 19.5), ("Wed-Fri", 19.5), ("Mon-Thu", 25.0), ("ARR-LUN1", 17.5)]
# Class types: (share of classes, pupils per class, needs with weights)
CLASS_TYPES = {
    "ASD": (0.35, 7, [("ASD", 85), ("SLCN", 15)]),
    "SLD": (0.3, 9, [("SLD", 60), ("DS", 20), ("MLD", 20)]),
    "PMLD": (0.15, 6, [("PMLD", 80), ("PD", 10), ("MSI", 10)]),
    "SEMH": (0.1, 8, [("SEMH", 70), ("ASD", 30)]),
    "MLD": (0.1, 9, [("MLD", 60), ("SLCN", 20), ("ASD", 20)]),
}
TREES = [
    "Acorn",
    "Ash",
    "Aspen",
    "Beech",
    "Birch",
    "Cedar",
    "Cherry",
    "Elder",
    "Elm",
    "Fir",
    "Hazel",
    "Holly",
    "Juniper",
    "Larch",
    "Lime",
    "Maple",
    "Oak",
    "Olive",
    "Pine",
    "Poplar",
    "Rowan",
    "Sycamore",
    "Walnut",
    "Willow",
    "Yew",
    "Alder",
    "Hawthorn",
    "Linden",
    "Spruce",
    "Laurel",
]


def special_plan(rng: random.Random, ctype: str, need: str) -> Doc:
    """A special-school plan: most support pooled in class; PMLD and PD plans include
    personal care and supported eating at break and lunch."""
    if ctype == "PMLD" or need in ("PMLD", "PD"):
        return {
            "hours": plan_hours(rng, 12.5, 20),
            "mode": "any",
            "group_max": 2,
            "skills": ["manual_handling"],
            "when": "before_school, lesson, break, lunch",
        }
    if need == "SEMH" or ctype == "SEMH":
        plan: Doc = {"hours": plan_hours(rng, 10, 17.5)}
        if rng.random() < 0.6:
            plan["skills"] = ["team_teach"]
        if rng.random() < 0.5:
            plan["group_max"] = 2
        return plan
    if need == "ASD" and rng.random() < 0.2:  # 1:1, at unstructured times too
        return {"hours": plan_hours(rng, 12.5, 17.5), "mode": "any", "when": "lesson, break, lunch"}
    plan = {"hours": plan_hours(rng, 7.5, 12.5), "group_max": rng.choice([2, 3, 3])}
    if need in ("SLD", "DS", "SLCN") and rng.random() < 0.6:
        plan["skills"] = ["makaton"]
    return plan


def special(kind: str, rng: random.Random) -> Draft:
    n_pupils = {"special-100": 100, "special-200": 200}[kind]
    n_staff = {"special-100": 48, "special-200": 88}[kind]
    d = Draft(f"Benchmark special school ({kind})", "special", SPECIAL_SLOTS)
    types: list[str] = []
    left = n_pupils
    while left > 0:
        counts = Counter(types)
        ctype = min(CLASS_TYPES, key=lambda t: (counts[t] + 1) / CLASS_TYPES[t][0] + rng.random() * 0.1)
        types.append(ctype)
        left -= CLASS_TYPES[ctype][1]
    counter = iter(range(1, 10000))
    left = n_pupils
    classes: list[tuple[str, str]] = []
    for i, ctype in enumerate(types):
        cid = TREES[i] if i < len(TREES) else f"{TREES[i % len(TREES)]}{i // len(TREES) + 1}"
        size = min(left, CLASS_TYPES[ctype][1] + rng.choice([-1, 0, 0, 1]))
        if i == len(types) - 1:
            size = left
        left -= size
        d.add_class(cid, year=rng.choice(["R-2", "3-6", "7-9", "10-11", "12-14"]))
        classes.append((cid, ctype))
        for _ in range(size):
            need = weighted(rng, CLASS_TYPES[ctype][2])
            p: Doc = {"id": f"P{next(counter):03d}", "classes": [cid], "need": need, "_type": ctype}
            if rng.random() < 0.99:
                p["ehcp"] = special_plan(rng, ctype, need)
            if rng.random() < (0.3 if ctype == "PMLD" else 0.08):
                p["medical"] = {"skills": ["epilepsy"], "when": "*"}
            elif ctype == "PMLD" and rng.random() < 0.4:
                p["medical"] = {"skills": ["gastrostomy"], "when": "LUN1"}
            elif rng.random() < 0.01:
                p["medical"] = {"skills": ["diabetes"], "when": "break, lunch"}
            d.pupils.append(p)
    semh = [p for p in d.pupils if p["_type"] in ("SEMH", "ASD") and "ehcp" in p]
    for p in rng.sample(semh, max(2, n_pupils // 40)):
        two_to_one(p)
        p["ehcp"]["when"] = "before_school, lesson, break, lunch"

    d.staff = make_staff(rng, n_staff, day="*", full_hours=30.0, part_times=SPECIAL_PART_TIMES, skills=SPECIAL_SKILLS)
    # Interventions: Intensive Interaction, sensory circuits, rebound therapy (school practice).
    ivs = d.interventions
    pmld_asd = [p for p in d.pupils if p["_type"] in ("PMLD", "ASD")]
    for p in rng.sample(pmld_asd, n_pupils // 20):
        ivs.append(
            {
                "id": f"II-{p['id']}",
                "programme": "Intensive Interaction",
                "pupils": [p["id"]],
                "sessions": 3,
                "minutes": 20,
                "skills": ["intensive_interaction"],
                "when": "P1-P5",
            }
        )
    in_iv = {q for iv in ivs for q in iv["pupils"]}
    pool = [p for p in d.pupils if p["_type"] in ("ASD", "SLD", "SEMH") and p["id"] not in in_iv]
    for k in range(n_pupils // 50):
        group = rng.sample(pool, 5)
        pool = [p for p in pool if p not in group]
        ivs.append(
            {
                "id": f"CIRCUIT-{k + 1}",
                "programme": "Sensory circuit",
                "pupils": [p["id"] for p in group],
                "sessions": 3,
                "minutes": 20,
                "skills": ["sensory_circuit"],
                "when": "P1",
                "room_kind": "hall",
            }
        )
    rebound = [
        p
        for p in d.pupils
        if p["_type"] in ("PMLD", "SLD") and "ehcp" in p and p["ehcp"].get("adults", 1) == 1 and p["id"] not in in_iv
    ]
    for p in rng.sample(rebound, n_pupils // 25):
        ivs.append(
            {
                "id": f"REBOUND-{p['id']}",
                "programme": "Rebound therapy",
                "pupils": [p["id"]],
                "sessions": 1,
                "minutes": 30,
                "skills": ["rebound"],
                "when": "P2-P5",
                "room_kind": "trampoline",
                "counts_for_ehcp": True,
            }
        )
    for skill, k in (("intensive_interaction", 3), ("sensory_circuit", 3), ("rebound", 2)):
        ensure_skill(rng, d.staff, skill, k * n_pupils // 100 + 1)
    ensure_skill(rng, d.staff, "team_teach", n_staff // 2)
    ensure_skill(rng, d.staff, "gastrostomy", 4 * n_pupils // 100)
    ensure_skill(rng, d.staff, "diabetes", 3 * n_pupils // 100)
    d.rooms = [
        {"id": "Hall", "kind": "hall"},
        {"id": "SoftPlay", "kind": "hall"},
        {"id": "TrampolineRoom", "kind": "trampoline"},
    ]
    per = n_pupils // 10
    d.duties = [
        {
            "id": "arrival",
            "name": "Transport arrival and personal care",
            "when": "ARR",
            "staff": per,
            "any_skills": ["first_aid", "epilepsy"],
            "priority": "high",
        },
        {
            "id": "break",
            "name": "Break (playground and sensory garden)",
            "when": "BRK",
            "staff": per - per // 5,
            "any_skills": ["first_aid", "epilepsy"],
        },
        {
            "id": "lunch",
            "name": "Supported lunch in the hall",
            "when": "LUN1",
            "staff": per,
            "any_skills": ["first_aid", "epilepsy"],
            "priority": "high",
        },
        {
            "id": "play",
            "name": "Lunchtime play",
            "when": "LUN2",
            "staff": per - per // 5,
            "any_skills": ["first_aid", "epilepsy"],
        },
        {
            "id": "departure",
            "name": "Transport departure",
            "when": "DEP",
            "staff": per,
            "any_skills": ["first_aid", "epilepsy"],
            "priority": "high",
        },
    ]
    # Class staff in every session: one adult, then a second in PMLD and EYFS classes,
    # then a second in the other classes, most complex first.
    base = [{"class": c, "priority": "high"} for c, _ in classes]
    d.support = list(base)
    rank = {"PMLD": 0, "SEMH": 1, "ASD": 2, "SLD": 3, "MLD": 4}
    second = sorted(classes, key=lambda ct: rank[ct[1]])
    cands = [{"class": c, "when": "P1-P3" if t not in ("PMLD",) else None, "priority": "normal"} for c, t in second]
    for row in cands:
        if row["when"] is None:
            del row["when"]
    # A class has at most one support row per slot: the second adult is a second row only
    # where it does not overlap, so raise `staff` instead.
    est = d.estimate()
    total = est["total"]
    for row in cands:
        if total >= TARGET * est["contracted"] or est["lesson_demand"] >= TARGET * est["lesson_cap"]:
            break
        mine = next(r for r in d.support if r["class"] == row["class"])
        if "when" in row:  # morning second adult: split the row
            mine["when"] = "P4-P5"
            d.support.append({"class": row["class"], "when": "P1-P3", "staff": 2, "priority": "high"})
        else:
            mine["staff"] = 2
        extra = d.support_minutes({"class": row["class"], "when": row.get("when")})
        total += extra
        est["lesson_demand"] += extra
    order = [c for c, _ in classes]
    d.support.sort(key=lambda r: (order.index(r["class"]), r.get("when") or ""))
    ehc = sum(1 for p in d.pupils if "ehcp" in p)
    d.header = [
        f"An all-age special school: {n_pupils} pupils in {len(classes)} classes, {ehc} with EHC plans (§2.3: ~99%),",
        f"{n_staff} TAs (§2.1: 40-80 for 100-200 pupils, ~0.8 FTE each), most plans pooled.",
    ]
    return d


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def draft(kind: str, seed: int | None = None) -> Draft:
    rng = random.Random(SEEDS[kind] if seed is None else seed)
    if kind.startswith("primary") or kind == "tiny":
        return primary(kind, rng)
    if kind.startswith("secondary"):
        return secondary(kind, rng)
    if kind.startswith("special"):
        return special(kind, rng)
    raise ValueError(f"unknown kind {kind!r}; choose from {', '.join((*KINDS, *QUICK_KINDS))}")


def generate(kind: str, seed: int | None = None) -> Doc:
    """One benchmark school (format version 1) of a kind; the seed defaults to the kind's own."""
    return draft(kind, seed).document()


PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/ ]*")
RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v == int(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    s = str(v)
    if PLAIN.fullmatch(s) and s.lower() not in RESERVED and s == s.strip() and ": " not in s:
        return s
    return json.dumps(s)


def _flow(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _scalar(v)


def render(doc: Doc, header: list[str] = ()) -> str:  # type: ignore[assignment]
    """YAML with one line per list item, like the examples."""
    out = ["# yaml-language-server: $schema=../../schemas/school.schema.json"]
    out += [f"# {line}" for line in header]
    out.append("# GENERATED by benchmarks/generate.py (fixed seed); edit the script, not this file.")
    for key, value in doc.items():
        out.append("")
        if isinstance(value, list):
            out.append(f"{key}:")
            out += [f"  - {_flow(item)}" for item in value]
        else:
            out.append(f"{key}:")
            for k, v in value.items():
                if k == "slots":
                    out.append("  slots:")
                    out += [f"    - {_flow(s)}" for s in v]
                else:
                    out.append(f"  {k}: {_flow(v)}")
    return "\n".join(out) + "\n"


def summary(d: Draft) -> dict[str, Any]:
    est = d.estimate()
    return {
        "staff": len(d.staff),
        "classes": len(d.classes),
        "pupils": len(d.pupils),
        "ehc": sum(1 for p in d.pupils if "ehcp" in p),
        "ehc_hours": sum(p["ehcp"]["hours"] for p in d.pupils if "ehcp" in p),
        "contracted_h": round(est["contracted"] / 60, 1),
        "demand_h": round(est["total"] / 60, 1),
        "demand_pct": round(100 * est["ratio"]),
        "lesson_pct": round(100 * est["lesson_ratio"]),
    }


def write(kind: str, out_dir: Path = INSTANCES, seed: int | None = None) -> Path:
    d = draft(kind, seed)
    s = summary(d)
    header = [
        *d.header,
        f"Sizing: {s['staff']} staff, {s['contracted_h']:g} contracted hours; demand about "
        f"{s['demand_h']:g} h ({s['demand_pct']}% of contracted, "
        f"{s['lesson_pct']}% of lesson time).",
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{kind}.yaml"
    path.write_text(render(d.document(), header), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write the benchmark schools to benchmarks/instances/.")
    ap.add_argument("kinds", nargs="*", help=f"default: all of {', '.join(KINDS)}")
    ap.add_argument("--out", type=Path, default=INSTANCES)
    ap.add_argument("--check", action="store_true", help="validate each file and print its sizes")
    args = ap.parse_args(argv)
    status = 0
    for kind in args.kinds or KINDS:
        path = write(kind, args.out)
        line = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
        if args.check:
            from tasched.io.formats import validate_file

            problems = validate_file(path)
            s = summary(draft(kind))
            line += f"  {s}  {'valid' if not problems else f'{len(problems)} problems'}"
            for p in problems[:10]:
                line += f"\n    {p}"
            status |= bool(problems)
        print(line)
    return status


if __name__ == "__main__":
    sys.exit(main())
