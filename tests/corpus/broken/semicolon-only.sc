// expect: S0001
;
