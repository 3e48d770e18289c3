#!/usr/bin/env cwl-runner
# Counts the rows of a CSV table per value of one column, in two steps; counts under a
# threshold are shown as "<threshold". The shipped CWL example of fivesafes-gitops.
cwlVersion: v1.2
class: Workflow
label: Counts by column
doc: Counts the rows of a CSV table per value of one column; small counts are suppressed.

$namespaces:
  iana: https://www.iana.org/assignments/media-types/

inputs:
  table:
    type: File
    doc: A CSV file with a header row.
  column:
    type: string
    doc: The header of the column to count by.
  min_count:
    type: int
    default: 10
    doc: Counts below this are shown as "<min_count".

outputs:
  counts:
    type: File
    outputSource: order/counts
    doc: counts.csv, one row per value, sorted.

steps:
  tally:
    run: tools/tally.cwl
    in:
      table: table
      column: column
      min_count: min_count
    out: [body]
  order:
    run: tools/order.cwl
    in:
      column: column
      body: tally/body
    out: [counts]
