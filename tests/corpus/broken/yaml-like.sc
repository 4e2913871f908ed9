// expect: S0001
default: kill
allow:
  - read
