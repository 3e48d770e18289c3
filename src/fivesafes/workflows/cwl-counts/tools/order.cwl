#!/usr/bin/env cwl-runner
# Step 2: the header, then the lines sorted bytewise (the same order on every machine).
cwlVersion: v1.2
class: CommandLineTool
label: order
$namespaces:
  iana: https://www.iana.org/assignments/media-types/
baseCommand: [sh, -c, 'printf "%s,count\n" "$0" && LC_ALL=C sort "$1"']
inputs:
  column:
    type: string
    inputBinding: {position: 1}
  body:
    type: File
    inputBinding: {position: 2}
stdout: counts.csv
outputs:
  counts:
    type: File
    format: iana:text/csv
    outputBinding: {glob: counts.csv}
