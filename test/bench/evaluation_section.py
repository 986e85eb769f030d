#!/usr/bin/env python3
"""Replace one benchmark's section of docs/evaluation.md.

Usage: evaluation_section.py EVALUATION.md SECTION_FILE NAME
The section sits between `<!-- begin NAME -->` and `<!-- end NAME -->`; it is
appended (with the file's header, if the file is new) when absent."""
import os
import sys

path, new, name = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
text = (open(path).read() if os.path.exists(path) else
        "# Evaluation\n\nFigures measured by `tools/vifnet bench`; each section names its machine.\n")
block = f"{begin}\n{new}{end}\n"
if begin in text and end in text:
    text = text[:text.index(begin)] + block + text[text.index(end) + len(end) + 1:]
else:
    text = text.rstrip("\n") + "\n\n" + block
open(path, "w").write(text)
