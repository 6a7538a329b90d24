;; The inner loop of the block bootstrap's replicate sums (src/core/replicate-sums-simd.ts),
;; two doubles per instruction (128-bit SIMD).
;;
;;   out[r][k] = Σ_b c[r][b] · parts[b][k]     for r < rr, k < w
;;
;; each sum taken from +0 with the blocks added in order b = 0, 1, …, one product and one
;; addition per block: the same IEEE operations in the same order as the scalar loop in
;; bootstrap.ts, so the same bits (WebAssembly's f64x2.mul and f64x2.add round each lane like
;; f64.mul and f64.add; there is no fused multiply-add here).
;;
;; Layout (byte addresses, all arrays of f64): parts, nb rows of w at $p; c, rr rows of nb at $c;
;; out, rr rows of w at $o. w is a multiple of 4 and rr of 4: the caller pads with zeros.
;; Four replicates by four columns at a time, in eight accumulators: one load of a part serves
;; four products, and one splat of a count serves four columns.
(module
  (memory (export "memory") 1)
  (func (export "sums") (param $p i32) (param $w i32) (param $nb i32) (param $c i32) (param $rr i32) (param $o i32)
    (local $r i32) (local $k i32) (local $b i32) (local $src i32) (local $cb i32) (local $dst i32)
    (local $row i32) (local $cs i32)
    (local $v v128) (local $u v128) (local $s v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $e3 v128)
    ;; $row: bytes per row of parts and out; $cs: bytes per row of counts
    (local.set $row (i32.shl (local.get $w) (i32.const 3)))
    (local.set $cs (i32.shl (local.get $nb) (i32.const 3)))
    (local.set $r (i32.const 0))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rr)))
      (local.set $k (i32.const 0))
      (block $kdone (loop $kloop
        (br_if $kdone (i32.ge_u (local.get $k) (local.get $w)))
        ;; columns k … k+3 of replicates r … r+3: $aN columns k, k+1 and $eN columns k+2, k+3
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (local.set $e0 (v128.const i64x2 0 0))
        (local.set $e1 (v128.const i64x2 0 0))
        (local.set $e2 (v128.const i64x2 0 0))
        (local.set $e3 (v128.const i64x2 0 0))
        (local.set $src (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 3))))
        (local.set $cb (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $cs))))
        (local.set $b (local.get $nb))
        (block $bdone (loop $bloop
          (br_if $bdone (i32.eqz (local.get $b)))
          (local.set $v (v128.load (local.get $src)))
          (local.set $u (v128.load offset=16 (local.get $src)))
          (local.set $s (f64x2.splat (f64.load (local.get $cb))))
          (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $s) (local.get $v))))
          (local.set $e0 (f64x2.add (local.get $e0) (f64x2.mul (local.get $s) (local.get $u))))
          (local.set $s (f64x2.splat (f64.load (i32.add (local.get $cb) (local.get $cs)))))
          (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $s) (local.get $v))))
          (local.set $e1 (f64x2.add (local.get $e1) (f64x2.mul (local.get $s) (local.get $u))))
          (local.set $s (f64x2.splat (f64.load (i32.add (local.get $cb) (i32.shl (local.get $cs) (i32.const 1))))))
          (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $s) (local.get $v))))
          (local.set $e2 (f64x2.add (local.get $e2) (f64x2.mul (local.get $s) (local.get $u))))
          (local.set $s (f64x2.splat (f64.load (i32.add (local.get $cb) (i32.mul (local.get $cs) (i32.const 3))))))
          (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $s) (local.get $v))))
          (local.set $e3 (f64x2.add (local.get $e3) (f64x2.mul (local.get $s) (local.get $u))))
          (local.set $src (i32.add (local.get $src) (local.get $row)))
          (local.set $cb (i32.add (local.get $cb) (i32.const 8)))
          (local.set $b (i32.sub (local.get $b) (i32.const 1)))
          (br $bloop)))
        (local.set $dst (i32.add (local.get $o) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $w)) (local.get $k)) (i32.const 3))))
        (v128.store (local.get $dst) (local.get $a0))
        (v128.store offset=16 (local.get $dst) (local.get $e0))
        (local.set $dst (i32.add (local.get $dst) (local.get $row)))
        (v128.store (local.get $dst) (local.get $a1))
        (v128.store offset=16 (local.get $dst) (local.get $e1))
        (local.set $dst (i32.add (local.get $dst) (local.get $row)))
        (v128.store (local.get $dst) (local.get $a2))
        (v128.store offset=16 (local.get $dst) (local.get $e2))
        (local.set $dst (i32.add (local.get $dst) (local.get $row)))
        (v128.store (local.get $dst) (local.get $a3))
        (v128.store offset=16 (local.get $dst) (local.get $e3))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $kloop)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $rloop)))
  )
)
