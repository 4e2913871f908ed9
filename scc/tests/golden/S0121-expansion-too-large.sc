// S0121: groups that each list the previous one ten times: 10^9 targets in a few lines.
default kill;
group @g0 = { read };
group @g1 = { @g0, @g0, @g0, @g0, @g0, @g0, @g0, @g0, @g0, @g0 };
group @g2 = { @g1, @g1, @g1, @g1, @g1, @g1, @g1, @g1, @g1, @g1 };
group @g3 = { @g2, @g2, @g2, @g2, @g2, @g2, @g2, @g2, @g2, @g2 };
group @g4 = { @g3, @g3, @g3, @g3, @g3, @g3, @g3, @g3, @g3, @g3 };
group @g5 = { @g4, @g4, @g4, @g4, @g4, @g4, @g4, @g4, @g4, @g4 };
group @g6 = { @g5, @g5, @g5, @g5, @g5, @g5, @g5, @g5, @g5, @g5 };
group @g7 = { @g6, @g6, @g6, @g6, @g6, @g6, @g6, @g6, @g6, @g6 };
group @g8 = { @g7, @g7, @g7, @g7, @g7, @g7, @g7, @g7, @g7, @g7 };
group @g9 = { @g8, @g8, @g8, @g8, @g8, @g8, @g8, @g8, @g8, @g8 };
allow @g9;
