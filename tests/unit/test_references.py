"""Every reference to a document points at something in the repository.

Code, tests and docs cite the contract by file and section, as `docs/contract.md §4`. A reader
must be able to follow each citation from a checkout alone, so this test reads every file git
tracks and reports, as file:line, each reference that leads nowhere: a section number that no
heading of the named file carries, a section sign that names no file, a Markdown file that is
not in the repository, a path into a folder beside the repository, or an issue number (the
issue tracker is not part of the repository).

The patterns spell the section sign as an escape, so this file does not cite anything itself.
"""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NUMBER = r"\d+(?:\.\d+)*"  # 4, or 4.2 for a subsection
# `docs/contract.md §4`: a Markdown file of the repository and a numbered heading in it
REFERENCE = re.compile(rf"(?P<file>[\w./-]+\.md)\s*\u00a7\s*(?P<section>{NUMBER})"
                       rf"(?P<range>\s*[\u2013-]\s*\d+)?")
# an outside standard's section names its own source, e.g. RFC 7518 §3.2
STANDARD = re.compile(rf"\bRFC\s*\d+\s*\u00a7\s*{NUMBER}")
SECTION_SIGN = re.compile(r"\u00a7")
OLD_CONTRACT = re.compile(rf"\bCONTRACT\s*\u00a7\s*(?:{NUMBER}(?:\s*[\u2013-]\s*\d+)?)?")
# a Markdown file named by path (`bench/README.md`) or by name alone (`README.md`)
MARKDOWN = re.compile(r"(?<![\w./-])(?:\.\.?/)*[\w-]+(?:/[\w.-]+)*\.md\b")
BESIDE = re.compile(r"\.\./shared\b")
ISSUE = re.compile(r"\bissues?\s+#?\d+", re.IGNORECASE)
# `## 4. HTTP API` or `### 4.2 Errors`: the number a reference resolves to
HEADING = re.compile(rf"^#{{1,6}}\s+({NUMBER})\.?\s")
FENCE = re.compile(r"^\s*(```|~~~)")


# --- what the checks are made of: pure functions on text, so the self-tests can feed them ---

def headings(markdown):
    """The section numbers of a Markdown text's headings; `#` lines in code blocks are code."""
    numbers, in_code = set(), False
    for line in markdown.splitlines():
        if FENCE.match(line):
            in_code = not in_code
        elif not in_code and (match := HEADING.match(line)):
            numbers.add(match.group(1))
    return numbers


def lines(text):
    return enumerate(text.splitlines(), start=1)


def unresolved_sections(text, sections_of):
    """(line, reference, why) for each file-and-section reference that does not resolve.

    `sections_of(file)` gives the section numbers of a repository file, None when there is none.
    A range of sections is refused: it hides which sections it means, so cite each one.
    """
    found = []
    for number, line in lines(text):
        for match in REFERENCE.finditer(line):
            sections = sections_of(match.group("file"))
            if sections is None:
                found.append((number, match.group(0), "no such file in the repository"))
            elif match.group("range"):
                found.append((number, match.group(0), "a range: cite each section"))
            elif match.group("section") not in sections:
                found.append((number, match.group(0), "no heading with that number"))
    return found


def bare_section_signs(text):
    """(line, text) for each section sign that is neither a file reference nor a standard's.

    An old contract citation has a check of its own, so it is not reported twice."""
    found = []
    for number, line in lines(text):
        covered = [match.span() for pattern in (REFERENCE, STANDARD, OLD_CONTRACT)
                   for match in pattern.finditer(line)]
        for sign in SECTION_SIGN.finditer(line):
            if not any(start <= sign.start() < end for start, end in covered):
                found.append((number, f"column {sign.start() + 1}", line.strip()[:100]))
    return found


def matches(pattern, text):
    return [(number, match.group(0)) for number, line in lines(text)
            for match in pattern.finditer(line)]


def missing_markdown(text, folder, tracked):
    """(line, name) for each Markdown file named that is neither at the repository's root nor
    beside the file that names it."""
    return [(number, name) for number, name in matches(MARKDOWN, text)
            if not ({name, _normal(folder / name)} & tracked)]


def _normal(path):
    """`a/b/../c` -> `a/c`, without touching the file system."""
    parts = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


# --- the repository ---

def tracked_files():
    listing = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], check=True,
                             capture_output=True).stdout.decode("utf-8")
    return sorted(name for name in listing.split("\0") if name)


def texts():
    """{path: text} of every tracked file that is text (all of them today)."""
    found = {}
    for name in tracked_files():
        path = ROOT / name
        if not path.is_file():  # deleted in the work tree, not yet in git
            continue
        if path.name == "package-lock.json":  # npm's record of what it installs: no prose
            continue
        try:
            found[name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # a binary file cites nothing
            continue
    return found


TEXTS = texts()


def sections_of(name):
    return headings(TEXTS[name]) if name.endswith(".md") and name in TEXTS else None


def report(offences):
    return "\n".join(f"{name}:{number}: {' - '.join(details)}"
                     for name, number, *details in offences)


def every_file(find):
    return [(name, number, *details) for name, text in TEXTS.items()
            for number, *details in find(name, text)]


# --- the checks on the repository ---

def test_every_section_reference_resolves():
    offences = every_file(lambda name, text: unresolved_sections(text, sections_of))
    assert not offences, "references to a section that does not exist:\n" + report(offences)


def test_no_old_contract_reference_is_left():
    offences = every_file(lambda name, text: matches(OLD_CONTRACT, text))
    assert not offences, ("cite the contract as `docs/contract.md` and a section:\n"
                          + report(offences))


def test_every_section_sign_names_its_file():
    offences = every_file(lambda name, text: bare_section_signs(text))
    assert not offences, ("a section sign without a file: write the file before each one, "
                          "e.g. `docs/contract.md` and the number:\n" + report(offences))


def test_every_markdown_file_named_is_in_the_repository():
    tracked = set(TEXTS)
    offences = every_file(
        lambda name, text: missing_markdown(text, Path(name).parent, tracked))
    assert not offences, "Markdown files that are not in the repository:\n" + report(offences)


def test_nothing_points_beside_the_repository_or_at_the_issue_tracker():
    offences = every_file(lambda name, text: matches(BESIDE, text) + matches(ISSUE, text))
    assert not offences, ("references a checkout cannot follow (a folder beside the "
                          "repository, an issue number): say it here or in docs/:\n"
                          + report(offences))


def test_the_contract_keeps_its_numbered_sections():
    """Code cites these numbers; renumbering would silently change what every citation means.
    The seven the contract began with stay where they are; new ones only follow them."""
    titles = [line for line in TEXTS["docs/contract.md"].splitlines() if line.startswith("## ")]
    assert len(titles) >= 7
    assert [title.split(" ", 2)[1] for title in titles] == \
        [f"{n}." for n in range(1, len(titles) + 1)]
    assert titles[7] == "## 8. Tracing and logs"
    assert titles[0] == "## 1. The flow"
    assert titles[1].startswith("## 2. Configuration")
    assert titles[3] == "## 4. HTTP API"
    assert titles[4].startswith("## 5. Partner queues")
    assert titles[5] == "## 6. Notices to referrers"


# --- the checks themselves can fail: fed synthetic text ---

SIGN = "\u00a7"
# file names for the synthetic texts, assembled so that this file names none itself
X_MD, Y_MD = "docs/x" + ".md", "docs/y" + ".md"
SYNTHETIC_DOC = "# Title\n\n## 1. One\n\n### 1.2 Sub\n\n```sh\n# 7 not a heading\n```\n## 3 Three\n"


def test_headings_are_numbered_sections_outside_code_blocks():
    assert headings(SYNTHETIC_DOC) == {"1", "1.2", "3"}


def test_a_missing_section_a_missing_file_and_a_range_are_reported():
    known = {X_MD: headings(SYNTHETIC_DOC)}
    text = (f"fine: {X_MD} {SIGN}1 and {X_MD} {SIGN}1.2 and {X_MD}{SIGN}3.\n"
            f"gone: {X_MD} {SIGN}2\n"
            f"nowhere: {Y_MD} {SIGN}1\n"
            f"vague: {X_MD} {SIGN}1\u20133\n")
    assert unresolved_sections(text, known.get) == [
        (2, f"{X_MD} {SIGN}2", "no heading with that number"),
        (3, f"{Y_MD} {SIGN}1", "no such file in the repository"),
        (4, f"{X_MD} {SIGN}1\u20133", "a range: cite each section"),
    ]


def test_bare_section_signs_and_old_citations_are_reported():
    old = "CONTRACT " + SIGN + "4"
    text = (f"ok {X_MD} {SIGN}4 and RFC 7518 {SIGN}3.2\n"
            f"old {old}\n"
            f"(also {SIGN}5)\n")
    assert [number for number, *_ in bare_section_signs(text)] == [3]
    assert matches(OLD_CONTRACT, text) == [(2, old)]


def test_markdown_outside_the_repository_and_issue_numbers_are_reported():
    tracked = {"README.md", X_MD, "deploy/k8s/README.md"}
    outside = "../" + "shared/CONTRACT" + ".md"
    design = "DESIGN" + ".md"
    text = (f"see README.md, {X_MD} and README.md beside me\n"
            f"see {design}\n"
            f"see {outside}\n"
            f"as promised in {'issue'} 5; issued 5 tokens\n")
    assert missing_markdown(text, Path("deploy/k8s"), tracked) == [(2, design), (3, outside)]
    assert matches(BESIDE, text) == [(3, "../" + "shared")]
    assert matches(ISSUE, text) == [(4, "issue" + " 5")]
