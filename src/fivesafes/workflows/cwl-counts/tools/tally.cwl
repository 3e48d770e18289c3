#!/usr/bin/env cwl-runner
# Step 1: one "value,count" line per value of the column, unsorted and without a header.
cwlVersion: v1.2
class: CommandLineTool
label: tally
baseCommand: awk
arguments:
  - -F,
  - -v
  - col=$(inputs.column)
  - -v
  - min=$(inputs.min_count)
  - |
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i
              if (!c) { print "tally: no column " col " in the table" > "/dev/stderr"; bad = 1; exit 2 }
              next }
    { n[$c]++ }
    END { if (bad) exit 2
          for (k in n) print k "," (n[k] < min ? "<" min : n[k]) }
  - $(inputs.table.path)
inputs:
  table: File
  column: string
  min_count: int
stdout: body.csv
outputs:
  body:
    type: stdout
