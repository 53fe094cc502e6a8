"""Generated grammars (do not edit; regenerate with ``python -m msgtrk.abnf generate``).

``<name>.lark`` and ``<name>.lark.pickle`` are package data read by
``msgtrk._grammars``; ``<name>_patterns`` modules hold the regex fast path.
"""
