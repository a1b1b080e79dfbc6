"""The cross-language conformance matrix, split by job (run.py is the command):

- `workspace`: where things are (the cargo target dir, its `polyglot/` scratch) and how steps
  run (logged commands, stamps);
- `rows`: every row (a language and a client) and how it is generated, built and run;
- `orchestrate`: which rows run, the harness config, the mock's request record;
- `compare`: each parse against the Rust reference, each request against the spec;
- `report`: the results as JSON under the target dir, and MATRIX.md rendered from that JSON.

Standard library only: it runs on the system python3 and builds its own virtualenv.
"""
