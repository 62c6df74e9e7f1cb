;; gradlab WebAssembly kernels: elementwise loops (tanh, its backward, ReLU, its backward, the plain
;; SGD update).
;; Function definitions only; scripts/build-wasm.mjs wraps all kernel files in one module.
;; Every loop works on whole f32x4 vectors: a call with n elements reads and writes ceil(n/4)*4, so
;; callers pad their regions to a multiple of 16 bytes (the extra lanes are scratch).

  ;; y = tanh(x) for n floats at $x, written at $y ($y may equal $x). At most 1 ulp from the
  ;; correctly rounded float32 tanh (checked on every float32 from 0 to +Inf; tanh is odd and so is
  ;; the kernel); exact at ±0, ±Inf -> ±1, NaN in -> NaN out. Both branches are computed for all
  ;; lanes and one is selected, then x's sign is applied:
  ;;   |x| < 0.625:  x + x*z*P(z), z = x*x, P a degree-5 minimax fit of (tanh(x) - x)/x^3
  ;;   otherwise:    1 - 2/(e + 1), e = exp(2a), a = min(|x|, 9.5) (tanh rounds to 1 from 9.01 on)
  ;; exp: k = round(2a*log2(e)), r = 2a - k*ln2 (Cody-Waite, |r| <= ln2/2), e = 2^k*(1 + r + r^2*Q(r))
  ;; with Q the Taylor series to r^5/7! (truncation < 1e-8 relative), 2^k added to the exponent bits.
  (func (export "tanh") (param $x i32) (param $y i32) (param $n i32)
    (local $end i32) (local $v v128) (local $a v128) (local $z v128) (local $z2 v128) (local $q v128)
    (local $t v128) (local $kf v128) (local $r v128) (local $r2 v128) (local $s v128) (local $e v128) (local $big v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $L
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $v (v128.load (local.get $x)))
      ;; |x| < 0.625: x + x*z*P(z), P by Estrin's scheme (shorter dependency chains than Horner)
      (local.set $z (f32x4.mul (local.get $v) (local.get $v)))
      (local.set $z2 (f32x4.mul (local.get $z) (local.get $z)))
      (local.set $q (f32x4.add (f32x4.add (f32x4.add (v128.const f32x4 -0x1.555554p-2 -0x1.555554p-2 -0x1.555554p-2 -0x1.555554p-2) (f32x4.mul (v128.const f32x4 0x1.111066p-3 0x1.111066p-3 0x1.111066p-3 0x1.111066p-3) (local.get $z))) (f32x4.mul (local.get $z2) (f32x4.add (v128.const f32x4 -0x1.b9ee90p-5 -0x1.b9ee90p-5 -0x1.b9ee90p-5 -0x1.b9ee90p-5) (f32x4.mul (v128.const f32x4 0x1.638b56p-6 0x1.638b56p-6 0x1.638b56p-6 0x1.638b56p-6) (local.get $z)))))
                               (f32x4.mul (f32x4.mul (local.get $z2) (local.get $z2)) (f32x4.add (v128.const f32x4 -0x1.0bf4f6p-7 -0x1.0bf4f6p-7 -0x1.0bf4f6p-7 -0x1.0bf4f6p-7) (f32x4.mul (v128.const f32x4 0x1.18e1c4p-9 0x1.18e1c4p-9 0x1.18e1c4p-9 0x1.18e1c4p-9) (local.get $z))))))
      (local.set $q (f32x4.add (local.get $v) (f32x4.mul (f32x4.mul (local.get $v) (local.get $z)) (local.get $q))))
      ;; otherwise: e = exp(2a), a = min(|x|, 9.5) (pmin keeps a NaN: it returns its first operand unless the second is less)
      (local.set $a (f32x4.pmin (f32x4.abs (local.get $v)) (v128.const f32x4 9.5 9.5 9.5 9.5)))
      (local.set $t (f32x4.add (local.get $a) (local.get $a)))
      ;; k = round(t*log2(e)) by adding 1.5*2^23: k is then in the low mantissa bits of $kf, so its
      ;; bits shifted left by 23 are k<<23 (the constant's bits shift out), the scale 2^k for e
      (local.set $kf (f32x4.add (f32x4.mul (local.get $t) (v128.const f32x4 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0)) (v128.const f32x4 0x1.8p+23 0x1.8p+23 0x1.8p+23 0x1.8p+23)))
      (local.set $e (i32x4.shl (local.get $kf) (i32.const 23)))
      (local.set $kf (f32x4.sub (local.get $kf) (v128.const f32x4 0x1.8p+23 0x1.8p+23 0x1.8p+23 0x1.8p+23)))
      (local.set $r (f32x4.sub (f32x4.sub (local.get $t) (f32x4.mul (local.get $kf) (v128.const f32x4 0x1.63p-1 0x1.63p-1 0x1.63p-1 0x1.63p-1))) (f32x4.mul (local.get $kf) (v128.const f32x4 -0x1.bd0106p-13 -0x1.bd0106p-13 -0x1.bd0106p-13 -0x1.bd0106p-13))))
      (local.set $r2 (f32x4.mul (local.get $r) (local.get $r)))
      (local.set $s (f32x4.add (f32x4.add (f32x4.add (v128.const f32x4 0.5 0.5 0.5 0.5) (f32x4.mul (v128.const f32x4 0x1.555556p-3 0x1.555556p-3 0x1.555556p-3 0x1.555556p-3) (local.get $r))) (f32x4.mul (local.get $r2) (f32x4.add (v128.const f32x4 0x1.555556p-5 0x1.555556p-5 0x1.555556p-5 0x1.555556p-5) (f32x4.mul (v128.const f32x4 0x1.111112p-7 0x1.111112p-7 0x1.111112p-7 0x1.111112p-7) (local.get $r)))))
                               (f32x4.mul (f32x4.mul (local.get $r2) (local.get $r2)) (f32x4.add (v128.const f32x4 0x1.6c16c2p-10 0x1.6c16c2p-10 0x1.6c16c2p-10 0x1.6c16c2p-10) (f32x4.mul (v128.const f32x4 0x1.a01a02p-13 0x1.a01a02p-13 0x1.a01a02p-13 0x1.a01a02p-13) (local.get $r))))))
      (local.set $e (i32x4.add (local.get $e)
        (f32x4.add (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $r)) (f32x4.mul (local.get $r2) (local.get $s)))))
      (local.set $big (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.div (v128.const f32x4 2 2 2 2) (f32x4.add (local.get $e) (v128.const f32x4 1 1 1 1)))))
      ;; select, then give the result x's sign (both branches give |tanh|, and x + x*z*P(z) can round
      ;; -0 to +0)
      (v128.store (local.get $y)
        (v128.or
          (v128.bitselect (local.get $q) (local.get $big) (f32x4.lt (f32x4.abs (local.get $v)) (v128.const f32x4 0.625 0.625 0.625 0.625)))
          (v128.and (local.get $v) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (br $L))))

  ;; out = g * (1 - y*y) for n floats, evaluated in f64 lanes and rounded once to f32, which is what
  ;; the JavaScript loop computes (so the results are identical bit for bit). $o may equal $g or $y.
  (func (export "tanhBackward") (param $g i32) (param $y i32) (param $o i32) (param $n i32)
    (local $end i32) (local $gv v128) (local $yv v128) (local $lo v128) (local $hi v128) (local $t v128)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $L
      (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
      (local.set $gv (v128.load (local.get $g)))
      (local.set $yv (v128.load (local.get $y)))
      (local.set $t (f64x2.promote_low_f32x4 (local.get $yv)))
      (local.set $lo (f64x2.mul (f64x2.promote_low_f32x4 (local.get $gv))
                                (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (local.get $t) (local.get $t)))))
      (local.set $t (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $yv) (local.get $yv))))
      (local.set $hi (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gv) (local.get $gv)))
                                (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (local.get $t) (local.get $t)))))
      (v128.store (local.get $o)
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $L))))

  ;; Plain SGD in place on n floats of w at $w with gradient at $g, in f64 lanes rounded once to f32
  ;; exactly as the JavaScript loops do (identical bits):
  ;;   $wd == 0:  w = w - $s*g           ($s = lr*sign; (-lr)*g == lr*(-g) exactly)
  ;;   else:      w = w - $lr*($sign*g + $wd*w)
  (func $sgd (export "sgd") (param $w i32) (param $g i32) (param $n i32) (param $lr f64) (param $sign f64) (param $wd f64)
    (local $end i32) (local $wv v128) (local $gv v128) (local $wl v128) (local $wh v128)
    (local $lo v128) (local $hi v128) (local $s v128) (local $l v128) (local $d v128)
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $l (f64x2.splat (local.get $lr)))
    (local.set $d (f64x2.splat (local.get $wd)))
    (if (f64.eq (local.get $wd) (f64.const 0))
      (then
        (local.set $s (f64x2.splat (f64.mul (local.get $lr) (local.get $sign))))
        (block $done (loop $L
          (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
          (local.set $wv (v128.load (local.get $w)))
          (local.set $gv (v128.load (local.get $g)))
          (local.set $lo (f64x2.sub (f64x2.promote_low_f32x4 (local.get $wv))
                                    (f64x2.mul (local.get $s) (f64x2.promote_low_f32x4 (local.get $gv)))))
          (local.set $hi (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $wv) (local.get $wv)))
                                    (f64x2.mul (local.get $s) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gv) (local.get $gv))))))
          (v128.store (local.get $w)
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))
          (local.set $w (i32.add (local.get $w) (i32.const 16)))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (br $L))))
      (else
        (local.set $s (f64x2.splat (local.get $sign)))
        (block $done (loop $L
          (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
          (local.set $wv (v128.load (local.get $w)))
          (local.set $gv (v128.load (local.get $g)))
          (local.set $wl (f64x2.promote_low_f32x4 (local.get $wv)))
          (local.set $wh (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $wv) (local.get $wv))))
          (local.set $lo (f64x2.sub (local.get $wl)
            (f64x2.mul (local.get $l)
              (f64x2.add (f64x2.mul (local.get $s) (f64x2.promote_low_f32x4 (local.get $gv)))
                         (f64x2.mul (local.get $d) (local.get $wl))))))
          (local.set $hi (f64x2.sub (local.get $wh)
            (f64x2.mul (local.get $l)
              (f64x2.add (f64x2.mul (local.get $s) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gv) (local.get $gv))))
                         (f64x2.mul (local.get $d) (local.get $wh))))))
          (v128.store (local.get $w)
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))
          (local.set $w (i32.add (local.get $w) (i32.const 16)))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (br $L))))))

  ;; The same update with lr, sign and wd read as three f64 at $p (a pool job passes only i32s).
  (func (export "sgd_at") (param $w i32) (param $g i32) (param $n i32) (param $p i32)
    (call $sgd (local.get $w) (local.get $g) (local.get $n)
      (f64.load (local.get $p)) (f64.load offset=8 (local.get $p)) (f64.load offset=16 (local.get $p))))

  ;; y = max(x, 0) for n floats ($y may equal $x): lanes with x > 0 or x NaN keep x's bits, every
  ;; other lane (negatives, -0, +0) becomes +0, the JavaScript loop's result bit for bit.
  (func (export "relu") (param $x i32) (param $y i32) (param $n i32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $L
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $v (v128.load (local.get $x)))
      (v128.store (local.get $y) (v128.and (local.get $v)
        (v128.or (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)) (f32x4.ne (local.get $v) (local.get $v)))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (br $L))))

  ;; out = g where y > 0 or y is NaN, else +0 (threshold_backward(g, y, 0)), for n floats; g's bits
  ;; pass unchanged. $o may equal $g or $y.
  (func (export "reluBackward") (param $g i32) (param $y i32) (param $o i32) (param $n i32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $L
      (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
      (local.set $v (v128.load (local.get $y)))
      (v128.store (local.get $o) (v128.and (v128.load (local.get $g))
        (v128.or (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)) (f32x4.ne (local.get $v) (local.get $v)))))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $L))))
