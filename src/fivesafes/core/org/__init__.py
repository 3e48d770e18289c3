"""The organisation: its central policy that projects extend, and the view over all projects.

Pure: merging and tightening the policy, summarising each project's request from its record,
and rendering the organisation's dashboard. Fetching the central policy and the projects is
the adapters' job.
"""
