;; The fast path's common line (src/io/line-kernel.ts, used by FastParser.parseLines in
;; fastparse.ts): a line of plain fields whose mapped columns are all unsigned decimals,
;; `digits[.digits]`. It takes exactly the lines whose every mapped field the JavaScript loop's
;; fused scan would take, and computes the same numbers with the same IEEE operations:
;;
;;   time   v = m · 10^(e − k)    (e = the time column's exponent to microseconds, k ≤ e, v ≤ 2^53 − 1;
;;                                  the second clock alike, with its own exponent e2)
;;   other  v = m / 10^k          (m itself when k = 0)
;;
;; where m is the field's digits read as one integer (at most 18 digits, so exact in i64, and
;; at most 2^53 − 1, so exact as a double) and k the number of digits after the point (so
;; k ≤ 18, and 10^k is exact). Each is one correctly rounded multiplication or division of two
;; exact doubles, as in JavaScript; a longer field, which the loop may still take, is refused.
;;
;; Any other line is refused, and left for the JavaScript loop, which judges it as it always
;; has: a blank line, a CR other than a CRLF line end, a quote anywhere, an empty or
;; non-plain mapped field, more or fewer fields than the header, a number outside the bounds
;; above. So the kernel never decides anything the JavaScript loop would decide differently;
;; it only decides the common case faster (no bounds checks, no boxed doubles, i64 digits).
;;
;; Layout (byte addresses), written by the caller:
;;   0  i32 fields per line        4  i32 time exponent e      8  i32 the delimiter (below '.')
;;  12  i32 address of the output columns: role r's doubles at out + r · colBytes
;;  16  i32 colBytes              20  i32 address of the line starts (i32 per row)
;;  24  i32 the second clock's exponent e2 (inspect reads both clocks)
;;  28  i32 the length of the file's first symbol (−1: none compared, every line with a symbol column refused)
;;  64  i8 per column: its role (0 time, 1 bid, 2 ask, 3 price, 4 quantity, 5 second clock,
;;      6 symbol: compared, not written) or −1 (not read)
;; 512  f64 10^0 … 10^22
;; 704  the first symbol's bytes (at most 320)
;;
;; scan(p, end, max): reads the lines of [p, end) (end just past a '\n') until `end`, `max` rows
;; or a refused line; returns the rows taken. stopAt() is then where it stopped: `end`, the
;; start of the refused line, or the start of the line after the max-th.
(module
  (memory (export "memory") 1)
  (global $stop (mut i32) (i32.const 0))
  (func (export "stopAt") (result i32) (global.get $stop))
  (func (export "scan") (param $p i32) (param $end i32) (param $max i32) (result i32)
    (local $n i32) (local $ls i32) (local $c i32) (local $col i32) (local $role i32)
    (local $ncols i32) (local $D i32) (local $texp i32) (local $out i32) (local $cb i32) (local $lines i32)
    (local $fs i32) (local $k i32) (local $digits i32) (local $d i32) (local $m i64) (local $v f64)
    (local $t2exp i32) (local $e i32) (local $w i64)
    (local.set $ncols (i32.load (i32.const 0)))
    (local.set $texp (i32.load (i32.const 4)))
    (local.set $t2exp (i32.load (i32.const 24)))
    (local.set $D (i32.load (i32.const 8)))
    (local.set $out (i32.load (i32.const 12)))
    (local.set $cb (i32.load (i32.const 16)))
    (local.set $lines (i32.load (i32.const 20)))
    (block $done
      (loop $line
        (br_if $done (i32.ge_u (local.get $n) (local.get $max)))
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $ls (local.get $p))
        (local.set $c (i32.load8_u (local.get $p)))
        (local.set $col (i32.const 0))
        (block $refuse
          ;; a blank line ('\n' or '\r\n'): the caller counts it
          (br_if $refuse (i32.eq (local.get $c) (i32.const 10)))
          (br_if $refuse (i32.eq (local.get $c) (i32.const 13)))
          (loop $field
            (local.set $role (i32.load8_s (i32.add (i32.const 64) (local.get $col))))
            (if (i32.lt_s (local.get $role) (i32.const 0))
              (then
                ;; a column not read: most of its bytes lie above '.', and the delimiter and
                ;; '\n' below it, so one compare per byte until a byte at or below '.'
                (block $fend
                  (loop $skip
                    (block $low
                      (loop $high
                        (br_if $low (i32.le_u (local.get $c) (i32.const 46)))
                        (local.set $p (i32.add (local.get $p) (i32.const 1)))
                        (local.set $c (i32.load8_u (local.get $p)))
                        (br $high)))
                    (br_if $fend (i32.eq (local.get $c) (local.get $D)))
                    (br_if $fend (i32.eq (local.get $c) (i32.const 10)))
                    (br_if $refuse (i32.eq (local.get $c) (i32.const 34)))
                    (if (i32.eq (local.get $c) (i32.const 13))
                      (then
                        ;; CRLF ends the line (the loop keeps the CR in the field); a lone CR is refused
                        (br_if $refuse (i32.ne (i32.load8_u offset=1 (local.get $p)) (i32.const 10)))
                        (local.set $p (i32.add (local.get $p) (i32.const 1)))
                        (local.set $c (i32.const 10))
                        (br $fend)))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (local.set $c (i32.load8_u (local.get $p)))
                    (br $skip))))
              (else
               (if (i32.eq (local.get $role) (i32.const 6))
                (then
                  ;; the symbol column: the bytes of the file's first symbol (at 704, its length
                  ;; at 28; −1 while none), then the field's end. A line naming another symbol,
                  ;; or a longer one, is refused. The byte loop stops at the first byte that differs,
                  ;; at the latest at the line's '\n' (no symbol compared holds one), so it reads within [p, end).
                  (local.set $k (i32.load (i32.const 28)))
                  (br_if $refuse (i32.lt_s (local.get $k) (i32.const 0)))
                  ;; 1 … 8 bytes: one word; 0 (an empty symbol) and longer ones: the byte loop
                  (if (i32.lt_u (i32.sub (local.get $k) (i32.const 1)) (i32.const 8))
                    (then
                      ;; up to eight bytes (most symbols): one compare of the words under a mask of
                      ;; the k low bytes (the word may run past the line: memory goes on, as above)
                      (br_if $refuse (i64.ne (i64.const 0) (i64.and
                        (i64.xor (i64.load (local.get $p)) (i64.load (i32.const 704)))
                        (i64.shr_u (i64.const -1) (i64.extend_i32_u (i32.sub (i32.const 64) (i32.shl (local.get $k) (i32.const 3)))))))))
                    (else
                      (local.set $d (i32.const 0))
                      (block $sym_end (loop $sym
                        (br_if $sym_end (i32.ge_u (local.get $d) (local.get $k)))
                        (br_if $refuse (i32.ne
                          (i32.load8_u (i32.add (local.get $p) (local.get $d)))
                          (i32.load8_u offset=704 (local.get $d))))
                        (local.set $d (i32.add (local.get $d) (i32.const 1)))
                        (br $sym)))))
                  (local.set $p (i32.add (local.get $p) (local.get $k)))
                  (local.set $c (i32.load8_u (local.get $p)))
                  (if (i32.eq (local.get $c) (i32.const 13))
                    (then
                      (br_if $refuse (i32.ne (i32.load8_u offset=1 (local.get $p)) (i32.const 10)))
                      (local.set $p (i32.add (local.get $p) (i32.const 1)))
                      (local.set $c (i32.const 10))))
                  (br_if $refuse (i32.and (i32.ne (local.get $c) (local.get $D)) (i32.ne (local.get $c) (i32.const 10)))))
                (else
                ;; a mapped column: digits, then a point and digits
                (local.set $fs (local.get $p))
                (local.set $m (i64.const 0))
                (local.set $k (i32.const 0))
                ;; eight digits at once while the next eight bytes are all digits (a clock's 13 or 16
                ;; of them), then one at a time as before. The test, with w = the bytes − '0' each:
                ;; a digit byte leaves w and w + 0x76 below 0x80 and no borrow or carry to the next
                ;; byte, so the lowest byte that is not a digit gets its top bit set in one of them
                ;; whatever lies above it: the eight are all digits exactly when no top bit is set.
                ;; (A word that runs past the line's end holds its '\n', so it is never taken; the
                ;; bytes after a buffer are still the kernel's memory: the other buffer, or the
                ;; columns after the second.) Its value, first
                ;; byte most significant: w·10 + w >> 8 puts each pair's two digits in one byte, and
                ;; the two products gather the four pairs, weighted 10^6, 10^4, 100 and 1, in the
                ;; top half (Lemire's method). m wraps only past 18 digits, which are refused below.
                (block $eights_end (loop $eights
                  (local.set $w (i64.sub (i64.load (local.get $p)) (i64.const 0x3030303030303030)))
                  (br_if $eights_end (i64.ne (i64.const 0) (i64.and
                    (i64.or (local.get $w) (i64.add (local.get $w) (i64.const 0x7676767676767676)))
                    (i64.const 0x8080808080808080))))
                  (local.set $w (i64.add (i64.mul (local.get $w) (i64.const 10)) (i64.shr_u (local.get $w) (i64.const 8))))
                  (local.set $w (i64.shr_u
                    (i64.add
                      (i64.mul (i64.and (local.get $w) (i64.const 0x000000FF000000FF)) (i64.const 4294967296000100))
                      (i64.mul (i64.and (i64.shr_u (local.get $w) (i64.const 16)) (i64.const 0x000000FF000000FF)) (i64.const 42949672960001)))
                    (i64.const 32)))
                  (local.set $m (i64.add (i64.mul (local.get $m) (i64.const 100000000)) (local.get $w)))
                  (local.set $p (i32.add (local.get $p) (i32.const 8)))
                  (br $eights)))
                (local.set $c (i32.load8_u (local.get $p)))
                (block $int_end (loop $int
                  (local.set $d (i32.sub (local.get $c) (i32.const 48)))
                  (br_if $int_end (i32.gt_u (local.get $d) (i32.const 9)))
                  (local.set $m (i64.add (i64.mul (local.get $m) (i64.const 10)) (i64.extend_i32_u (local.get $d))))
                  (local.set $p (i32.add (local.get $p) (i32.const 1)))
                  (local.set $c (i32.load8_u (local.get $p)))
                  (br $int)))
                (local.set $digits (i32.sub (local.get $p) (local.get $fs)))
                (if (i32.eq (local.get $c) (i32.const 46))
                  (then
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (local.set $c (i32.load8_u (local.get $p)))
                    (block $frac_end (loop $frac
                      (local.set $d (i32.sub (local.get $c) (i32.const 48)))
                      (br_if $frac_end (i32.gt_u (local.get $d) (i32.const 9)))
                      (local.set $m (i64.add (i64.mul (local.get $m) (i64.const 10)) (i64.extend_i32_u (local.get $d))))
                      (local.set $k (i32.add (local.get $k) (i32.const 1)))
                      (local.set $p (i32.add (local.get $p) (i32.const 1)))
                      (local.set $c (i32.load8_u (local.get $p)))
                      (br $frac)))
                    (local.set $digits (i32.add (local.get $digits) (local.get $k)))))
                ;; a CRLF line end after the number, as the loop reads it
                (if (i32.eq (local.get $c) (i32.const 13))
                  (then
                    (if (i32.eq (i32.load8_u offset=1 (local.get $p)) (i32.const 10))
                      (then
                        (local.set $p (i32.add (local.get $p) (i32.const 1)))
                        (local.set $c (i32.const 10))))))
                (br_if $refuse (i32.eqz (local.get $digits)))
                ;; more than 18 digits may have wrapped i64: the JavaScript loop decides
                (br_if $refuse (i32.gt_u (local.get $digits) (i32.const 18)))
                (br_if $refuse (i64.gt_u (local.get $m) (i64.const 9007199254740991)))
                (br_if $refuse (i32.and (i32.ne (local.get $c) (local.get $D)) (i32.ne (local.get $c) (i32.const 10))))
                (if (i32.or (i32.eqz (local.get $role)) (i32.eq (local.get $role) (i32.const 5)))
                  (then
                    ;; a clock: the time column's exponent, or the second clock's
                    (local.set $e (select (local.get $texp) (local.get $t2exp) (i32.eqz (local.get $role))))
                    (br_if $refuse (i32.gt_s (local.get $k) (local.get $e)))
                    (local.set $v (f64.mul (f64.convert_i64_u (local.get $m))
                      (f64.load (i32.add (i32.const 512) (i32.shl (i32.sub (local.get $e) (local.get $k)) (i32.const 3))))))
                    (br_if $refuse (f64.gt (local.get $v) (f64.const 9007199254740991))))
                  (else
                    ;; k ≤ 18 < 22 here (at most 18 digits), so 10^k is exact
                    (local.set $v (f64.convert_i64_u (local.get $m)))
                    (if (local.get $k)
                      (then (local.set $v (f64.div (local.get $v)
                        (f64.load (i32.add (i32.const 512) (i32.shl (local.get $k) (i32.const 3))))))))))
                (f64.store
                  (i32.add (i32.add (local.get $out) (i32.mul (local.get $role) (local.get $cb))) (i32.shl (local.get $n) (i32.const 3)))
                  (local.get $v))))))
            (local.set $col (i32.add (local.get $col) (i32.const 1)))
            (if (i32.ne (local.get $c) (i32.const 10))
              (then
                ;; more fields than the header: refused
                (br_if $refuse (i32.ge_u (local.get $col) (local.get $ncols)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $c (i32.load8_u (local.get $p)))
                (br $field))))
          ;; fewer fields than the header: refused
          (br_if $refuse (i32.ne (local.get $col) (local.get $ncols)))
          (i32.store (i32.add (local.get $lines) (i32.shl (local.get $n) (i32.const 2))) (local.get $ls))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $line))
        (local.set $p (local.get $ls))))
    (global.set $stop (local.get $p))
    (local.get $n))
)
