/* The Promela twin of bench/scalable.sm, for the explorer benchmark:
 * N processes cycling through six states S0..S5, sharing a counting
 * semaphore of capacity 3 (held). Each alternative is one atomic step
 * (d_step) and every process stays at the head of its loop, so SPIN stores
 * exactly the states stateproof does: sum over k = 0..3 of C(N,k) 2^k 4^(N-k).
 * Override N with: spin -DN=9 -a scalable.pml */
#ifndef N
#define N 8
#endif

byte pc[N];
byte held;

active [N] proctype P() {
    do
    :: d_step { pc[_pid] == 0 -> pc[_pid] = 1 }
    :: d_step { pc[_pid] == 1 -> pc[_pid] = 2 }
    :: d_step { pc[_pid] == 2 && held < 3 -> pc[_pid] = 3; held++ }
    :: d_step { pc[_pid] == 3 -> pc[_pid] = 4 }
    :: d_step { pc[_pid] == 4 -> pc[_pid] = 5; held-- }
    :: d_step { pc[_pid] == 5 -> pc[_pid] = 0 }
    od
}
