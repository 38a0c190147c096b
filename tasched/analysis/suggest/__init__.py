"""Who can cover? Ranked candidates for an absent adult's tasks, or for one task at a slot.

The 8 a.m. phone call: TA05 is off on Tuesday. For every slot in which TA05 had a
task, each other adult is judged against the hard rules of docs/rules.md as they
would stand after the swap (they work then and hold the skills; contracted hours,
breaks, max_duties, rotation max_share / max_consecutive / min_staff, 2:1 and
pooling, duty any_skills), and against what they are doing now: a free adult
simply takes the task; a busy one may drop a task of lower priority (the order of
the demands' weights: EHC hours, duties, interventions, class support). Medical
cover that the swap would leave missing is reported first.

A teacher off (`JSW:Wed`) leaves each of their lessons then as a `cover:CLASS`, judged
the same way: only an adult whose role is in `rules.cover.roles` may take it, within
`rules.cover.max_minutes` of cover a week, never giving up EHC support or medical cover
for it (cover ranks below them and above duties, so a duty may be dropped, named).

Candidates are ranked: no medical cover lost, then free before joining a pooled
group before dropping something (the lowest-priority drop first), then no
overtime, then the most contracted time left (least rule pressure), fewest changes,
and adults who already work with the pupil or class this week. Pure Python over
the rota's rows and the compiled problem: no solver, well under a second.

    result = suggest(school, rota_dict, absent=["TA05:Tue"], teacher_absent=["JSW:Wed"])
    for cover in result.covers:
        print(cover.label, [c.staff for c in cover.candidates])

The package's modules, in the order data flows through them: results (Candidate,
Cover, Suggestions), state (the week as suggest sees it), rules (the rota predicates:
contract minutes, breaks, runs, medical cover near), checks (every other rule a
cover must pass), lesson_cover (the rules of a teacher's lesson cover), judge (one
adult for one cover, and swaps), covers (what needs cover), ranking (candidates best
first, and the plan), entry (suggest, suggest_file) and render (the terminal).
"""

from tasched.analysis.suggest.covers import parse_absence, parse_teacher_absence
from tasched.analysis.suggest.entry import suggest, suggest_file
from tasched.analysis.suggest.render import render, ruled_out_in_words
from tasched.analysis.suggest.results import Candidate, Cover, Suggestions

__all__ = [
    "Candidate",
    "Cover",
    "Suggestions",
    "parse_absence",
    "parse_teacher_absence",
    "render",
    "ruled_out_in_words",
    "suggest",
    "suggest_file",
]
