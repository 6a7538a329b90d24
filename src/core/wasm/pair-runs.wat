;; The lagged correlator's hottest loop (src/core/xcorr.ts, addPairRun; the kernel's loader is
;; src/core/pair-arena.ts): the pairs of one new non-zero return z, made at push j, with the
;; other market's non-zero returns at positions [lo, hi) of its log, all filed in one time
;; cell at lags in order. The pair with the return at index i = idx[p] goes to the four fields
;; at double offset o = start + step·(j − i) of the cell's page:
;;
;;   n_effective += 1,  Σxy += xy,  Σ|xy| += |xy|,  max |xy| = |xy| if |xy| > max |xy|
;;
;; with xy = val[p] · z: the same IEEE operations as the JavaScript loop, so the same bits.
;; The four fields are two 128-bit lanes pairs, each read and written once: (n_effective,
;; Σxy) gains (1, xy) in one addition, and (Σ|xy|, max |xy|) takes lane 0 of a sum and lane 1
;; of a pmax. Over the bench hour at `--lags -1000..1000` (97 M pairs) this took the kernel
;; from 535 to 430–460 ms against four scalar read-modify-writes (CPU profiles, 2 runs each).
;;
;; Byte addresses: the page at $page, idx and val (f64 arrays, position p at 8p) at $idx and
;; $val. Offsets and distances are small integers (a page index, j − i ≤ max|τ|): i32.
(module
  (import "arena" "memory" (memory 1))
  (func (export "run") (param $page i32) (param $idx i32) (param $val i32) (param $lo i32) (param $hi i32)
        (param $z f64) (param $start i32) (param $step i32) (param $j f64)
    (local $p i32) (local $a i32) (local $xy f64) (local $abs v128) (local $w v128)
    (local.set $p (local.get $lo))
    (block $done
      (br_if $done (i32.ge_s (local.get $p) (local.get $hi)))
      (loop $next
        ;; $a: the byte address of the pair's four fields
        (local.set $a (i32.add (local.get $page)
          (i32.shl
            (i32.add (local.get $start)
              (i32.mul (local.get $step)
                (i32.trunc_f64_s (f64.sub (local.get $j)
                  (f64.load (i32.add (local.get $idx) (i32.shl (local.get $p) (i32.const 3))))))))
            (i32.const 3))))
        (local.set $xy (f64.mul (f64.load (i32.add (local.get $val) (i32.shl (local.get $p) (i32.const 3)))) (local.get $z)))
        ;; fields 0 and 1 in one lane pair: (n_effective + 1, Σxy + xy)
        (v128.store offset=0 (local.get $a)
          (f64x2.add (v128.load offset=0 (local.get $a))
            (f64x2.replace_lane 1 (v128.const f64x2 1 0) (local.get $xy))))
        ;; fields 2 and 3: lane 0 of Σ|xy| + |xy|, lane 1 of max(max |xy|, |xy|); pmax(m, a) is
        ;; a if m < a else m, the select of the scalar loop, NaN included
        (local.set $abs (f64x2.splat (f64.abs (local.get $xy))))
        (local.set $w (v128.load offset=16 (local.get $a)))
        (v128.store offset=16 (local.get $a)
          (v128.bitselect (f64x2.add (local.get $w) (local.get $abs)) (f64x2.pmax (local.get $w) (local.get $abs))
            (v128.const i64x2 -1 0)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $next (i32.lt_s (local.get $p) (local.get $hi))))))
)
