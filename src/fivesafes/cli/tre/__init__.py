"""Commands that look after the TRE's own storage on its runner (staging retention).

A subpackage of its own because they act on the TRE, not on a request's files or on GitHub,
and the command package holds one module per command already.
"""
