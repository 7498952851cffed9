#!/bin/sh
# Before the term, in an instructor's pod (their server started, so the pod is the one the hub
# makes for them, with values.yaml's instructor settings):
#   kubectl exec -n course jupyter-teacher1 -- sh /opt/rapprochement/deploy/z2jh/check-grading-sandbox.sh
# It starts the grading sandbox the way the grading command does (the same function,
# rapprochement.grading.sandbox.probe: bwrap with its user, PID, network and mount namespaces,
# a new /proc and /dev, the seccomp filter and the limits) and runs a notebook cell that imports
# pandas and the course's data inside it. A lighter test such as `bwrap --ro-bind / / true` can
# pass where the grader fails (a new /proc is refused in a pod whose /proc is masked).
# Exit status 0: grading works in this pod; 1: it does not, and the message says why.
exec python -I -c '
import sys
from rapprochement.grading.sandbox import probe
why = probe()
if why:
    print("the grading sandbox does not work here:", why)
    print("see deploy/z2jh/README.md, \"The grading sandbox in a pod\"")
    sys.exit(1)
print("the grading sandbox works here (bwrap with user namespaces, /proc, seccomp)")
'
