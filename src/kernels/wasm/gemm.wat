;; gradlab WebAssembly SIMD kernels: GEMM (all transpose variants) — packed GotoBLAS layout with a
;; 4×8 f32x4 register-tiled micro-kernel. `f32x4.madd` is expanded by the build (fused or not).
;;
;; Built by scripts/build-wasm.mjs (wabt) into src/kernels/wasm/module.generated.ts, in two
;; variants: one imports shared memory (threads), one a plain memory. All pointers are byte
;; addresses into that memory; the caller (wasm/backend.ts) owns the layout: operands,
;; per-thread packing scratch and a 128-byte edge-tile scratch.
;; This file holds function definitions only; the build wraps all kernel files in one module.

  ;; ---------------------------------------------------------------------------------------------
  ;; pack: copy a strip of `width` lanes (4 for A, 8 for B) and kc steps of k into dst[p*width + l].
  ;; Lane l at step p reads src + (l*sl + p*sk)*4; lanes >= valid are zero.
  (func $pack (param $dst i32) (param $src i32) (param $width i32) (param $valid i32) (param $kc i32)
      (param $sl i32) (param $sk i32)
    (local $p i32) (local $l i32) (local $s i32) (local $d i32) (local $g i32) (local $sl4 i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $sl4 (i32.shl (local.get $sl) (i32.const 2)))
    ;; lanes contiguous (sl == 1), full strip: vector copies
    (if (i32.and (i32.eq (local.get $sl) (i32.const 1)) (i32.eq (local.get $valid) (local.get $width)))
      (then
        (local.set $s (local.get $src))
        (local.set $d (local.get $dst))
        (local.set $p (i32.const 0))
        (block $done (loop $L
          (br_if $done (i32.ge_u (local.get $p) (local.get $kc)))
          (v128.store (local.get $d) (v128.load (local.get $s)))
          (if (i32.eq (local.get $width) (i32.const 8))
            (then (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $s)))))
          (local.set $s (i32.add (local.get $s) (i32.shl (local.get $sk) (i32.const 2))))
          (local.set $d (i32.add (local.get $d) (i32.shl (local.get $width) (i32.const 2))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $L)))
        (return)))
    (local.set $p (i32.const 0))
    ;; k contiguous (sk == 1), full strip: 4×4 transposes, four k at a time
    (if (i32.and (i32.eq (local.get $sk) (i32.const 1)) (i32.eq (local.get $valid) (local.get $width)))
      (then
        (block $done (loop $L
          (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc)))
          (local.set $g (i32.const 0))
          (loop $G
            ;; lanes g..g+3, k = p..p+3
            (local.set $s (i32.add (local.get $src)
              (i32.shl (i32.add (i32.mul (local.get $g) (local.get $sl)) (local.get $p)) (i32.const 2))))
            (local.set $v0 (v128.load (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $sl4)))
            (local.set $v1 (v128.load (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $sl4)))
            (local.set $v2 (v128.load (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $sl4)))
            (local.set $v3 (v128.load (local.get $s)))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
            (local.set $d (i32.add (local.get $dst)
              (i32.shl (i32.add (i32.mul (local.get $p) (local.get $width)) (local.get $g)) (i32.const 2))))
            (v128.store (local.get $d)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (local.set $d (i32.add (local.get $d) (i32.shl (local.get $width) (i32.const 2))))
            (v128.store (local.get $d)
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (local.set $d (i32.add (local.get $d) (i32.shl (local.get $width) (i32.const 2))))
            (v128.store (local.get $d)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (local.set $d (i32.add (local.get $d) (i32.shl (local.get $width) (i32.const 2))))
            (v128.store (local.get $d)
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $g (i32.add (local.get $g) (i32.const 4)))
            (br_if $G (i32.lt_u (local.get $g) (local.get $width))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $L)))))
    ;; general (and the tail of the transposing path): element by element. A partial strip
    ;; (valid < width: the last panel of an edge, such as the 1 of 9 columns in a 3×3 kernel's
    ;; weight gradient) is zeroed with vector stores first and only its valid lanes are copied.
    (if (i32.lt_u (local.get $valid) (local.get $width))
      (then
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $p) (local.get $width)) (i32.const 2))))
        (local.set $g (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $kc) (local.get $width)) (i32.const 2))))
        (block $zd (loop $Z
          (br_if $zd (i32.ge_u (local.get $d) (local.get $g)))
          (v128.store (local.get $d) (v128.const i32x4 0 0 0 0))
          (local.set $d (i32.add (local.get $d) (i32.const 16)))
          (br $Z)))))
    (block $done (loop $L
      (br_if $done (i32.ge_u (local.get $p) (local.get $kc)))
      (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $p) (local.get $width)) (i32.const 2))))
      (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (local.get $p) (local.get $sk)) (i32.const 2))))
      (local.set $l (i32.const 0))
      (block $cd (loop $C
        (br_if $cd (i32.ge_u (local.get $l) (local.get $valid)))
        (f32.store (local.get $d) (f32.load (local.get $s)))
        (local.set $s (i32.add (local.get $s) (local.get $sl4)))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $C)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $L))))

  ;; ---------------------------------------------------------------------------------------------
  ;; micro: C[h×w tile at c, row stride ldc bytes] (+)= Apanel(kc×4) · Bpanel(kc×8).
  ;; add = 0 overwrites the tile, add = 1 adds to it. tmp: 128 bytes of scratch for edge tiles.
  (func $micro (param $pa i32) (param $pb i32) (param $kc i32) (param $c i32) (param $ldc i32)
      (param $add i32) (param $h i32) (param $w i32) (param $tmp i32)
    (local $end i32) (local $r i32) (local $q i32) (local $cp i32) (local $tp i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $end (i32.add (local.get $pa) (i32.shl (local.get $kc) (i32.const 4))))
    (loop $L
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $a (v128.load32_splat (local.get $pa)))
      (local.set $c00 (f32x4.madd (local.get $a) (local.get $b0) (local.get $c00)))
      (local.set $c01 (f32x4.madd (local.get $a) (local.get $b1) (local.get $c01)))
      (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
      (local.set $c10 (f32x4.madd (local.get $a) (local.get $b0) (local.get $c10)))
      (local.set $c11 (f32x4.madd (local.get $a) (local.get $b1) (local.get $c11)))
      (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
      (local.set $c20 (f32x4.madd (local.get $a) (local.get $b0) (local.get $c20)))
      (local.set $c21 (f32x4.madd (local.get $a) (local.get $b1) (local.get $c21)))
      (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
      (local.set $c30 (f32x4.madd (local.get $a) (local.get $b0) (local.get $c30)))
      (local.set $c31 (f32x4.madd (local.get $a) (local.get $b1) (local.get $c31)))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
      (br_if $L (i32.lt_u (local.get $pa) (local.get $end))))
    (if (i32.and (i32.eq (local.get $h) (i32.const 4)) (i32.eq (local.get $w) (i32.const 8)))
      (then
        (if (local.get $add)
          (then
            (local.set $c00 (f32x4.add (v128.load (local.get $c)) (local.get $c00)))
            (local.set $c01 (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c01)))))
        (v128.store (local.get $c) (local.get $c00))
        (v128.store offset=16 (local.get $c) (local.get $c01))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (if (local.get $add)
          (then
            (local.set $c10 (f32x4.add (v128.load (local.get $c)) (local.get $c10)))
            (local.set $c11 (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c11)))))
        (v128.store (local.get $c) (local.get $c10))
        (v128.store offset=16 (local.get $c) (local.get $c11))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (if (local.get $add)
          (then
            (local.set $c20 (f32x4.add (v128.load (local.get $c)) (local.get $c20)))
            (local.set $c21 (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c21)))))
        (v128.store (local.get $c) (local.get $c20))
        (v128.store offset=16 (local.get $c) (local.get $c21))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (if (local.get $add)
          (then
            (local.set $c30 (f32x4.add (v128.load (local.get $c)) (local.get $c30)))
            (local.set $c31 (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c31)))))
        (v128.store (local.get $c) (local.get $c30))
        (v128.store offset=16 (local.get $c) (local.get $c31))
        (return)))
    ;; edge tile: spill the accumulators, then update the valid h×w corner element by element
    (v128.store offset=0 (local.get $tmp) (local.get $c00))
    (v128.store offset=16 (local.get $tmp) (local.get $c01))
    (v128.store offset=32 (local.get $tmp) (local.get $c10))
    (v128.store offset=48 (local.get $tmp) (local.get $c11))
    (v128.store offset=64 (local.get $tmp) (local.get $c20))
    (v128.store offset=80 (local.get $tmp) (local.get $c21))
    (v128.store offset=96 (local.get $tmp) (local.get $c30))
    (v128.store offset=112 (local.get $tmp) (local.get $c31))
    (local.set $r (i32.const 0))
    (loop $R
      (local.set $cp (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $ldc))))
      (local.set $tp (i32.add (local.get $tmp) (i32.shl (local.get $r) (i32.const 5))))
      (local.set $q (i32.const 0))
      (loop $Q
        (f32.store (local.get $cp)
          (if (result f32) (local.get $add)
            (then (f32.add (f32.load (local.get $cp)) (f32.load (local.get $tp))))
            (else (f32.load (local.get $tp)))))
        (local.set $cp (i32.add (local.get $cp) (i32.const 4)))
        (local.set $tp (i32.add (local.get $tp) (i32.const 4)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br_if $Q (i32.lt_u (local.get $q) (local.get $w))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $R (i32.lt_u (local.get $r) (local.get $h)))))

  ;; ---------------------------------------------------------------------------------------------
  ;; K blocks: the fewest of at most 256 steps, of equal length rounded up to a multiple of 4
  ;; (784 = 4×196, not 3×256 + 16: a short block pays a whole pass over C and its own packing)
  (func $kblock (param $K i32) (result i32)
    (local $kb i32)
    (local.set $kb (i32.div_u (i32.add (local.get $K) (i32.const 255)) (i32.const 256)))
    (i32.and (i32.add (i32.div_u (i32.add (local.get $K) (i32.sub (local.get $kb) (i32.const 1))) (local.get $kb)) (i32.const 3)) (i32.const -4)))

  ;; ---------------------------------------------------------------------------------------------
  ;; prepack: pack all `count` lanes of an operand (rows of op(A): width 4; columns of op(B):
  ;; width 8) for every K block, so that threads sharing it need not each pack it. Lane l's
  ;; panel of K block pc (kc steps) lands at dst + (countPad·pc + l·kc)·4, countPad = count
  ;; rounded up to a multiple of width: the layout gemm reads when given a pre-packed operand.
  (func (export "prepack") (param $src i32) (param $dst i32) (param $width i32) (param $count i32)
      (param $K i32) (param $sl i32) (param $sk i32)
    (local $kb i32) (local $pc i32) (local $kc i32) (local $l i32) (local $v i32) (local $pad i32)
    (local.set $kb (call $kblock (local.get $K)))
    (local.set $pad (i32.mul (i32.div_u (i32.add (local.get $count) (i32.sub (local.get $width) (i32.const 1))) (local.get $width)) (local.get $width)))
    (local.set $pc (i32.const 0))
    (block $pd (loop $PC
      (br_if $pd (i32.ge_u (local.get $pc) (local.get $K)))
      (local.set $kc (i32.sub (local.get $K) (local.get $pc)))
      (if (i32.gt_u (local.get $kc) (local.get $kb)) (then (local.set $kc (local.get $kb))))
      (local.set $l (i32.const 0))
      (block $ld (loop $LL
        (br_if $ld (i32.ge_u (local.get $l) (local.get $count)))
        (local.set $v (i32.sub (local.get $count) (local.get $l)))
        (if (i32.gt_u (local.get $v) (local.get $width)) (then (local.set $v (local.get $width))))
        (call $pack
          (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $pad) (local.get $pc)) (i32.mul (local.get $l) (local.get $kc))) (i32.const 2)))
          (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $l) (local.get $sl)) (i32.mul (local.get $pc) (local.get $sk))) (i32.const 2)))
          (local.get $width) (local.get $v) (local.get $kc) (local.get $sl) (local.get $sk))
        (local.set $l (i32.add (local.get $l) (local.get $width)))
        (br $LL)))
      (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
      (br $PC))))

  ;; ---------------------------------------------------------------------------------------------
  ;; gemm: the rows [i0,i1) × columns [j0,j1) of C = op(A)·op(B) (+ C when acc).
  ;; A: M×K (or K×M when ta), B: K×N (or N×K when tb), C: M×N, row-major, byte pointers.
  ;; pA/pB: packing scratch (MC·KC and KC·NC floats), tmp: 128 bytes. K-blocking depends on K
  ;; only, so every element of C is computed the same way whatever range a thread is given.
  ;; qA/qB: op(A) or op(B) already packed by `prepack` (all of it), or 0 to pack here.
  (func $gemm (export "gemm") (param $ta i32) (param $tb i32) (param $M i32) (param $N i32) (param $K i32)
      (param $A i32) (param $B i32) (param $C i32) (param $acc i32)
      (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32)
      (param $pA i32) (param $pB i32) (param $tmp i32) (param $qA i32) (param $qB i32)
    (local $ab i32) (local $bb i32) (local $Mp i32) (local $Np i32)
    (local $kb i32) (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32)
    (local $jr i32) (local $ir i32) (local $w i32) (local $h i32) (local $add i32)
    (local $asl i32) (local $ask i32) (local $bsl i32) (local $bsk i32) (local $ldc i32)
    ;; lane/step strides of op(A) (lanes = rows i) and op(B) (lanes = columns j), in elements
    (if (local.get $ta)
      (then (local.set $asl (i32.const 1)) (local.set $ask (local.get $M)))
      (else (local.set $asl (local.get $K)) (local.set $ask (i32.const 1))))
    (if (local.get $tb)
      (then (local.set $bsl (local.get $K)) (local.set $bsk (i32.const 1)))
      (else (local.set $bsl (i32.const 1)) (local.set $bsk (local.get $N))))
    (local.set $ldc (i32.shl (local.get $N) (i32.const 2)))
    (if (i32.eqz (local.get $K))
      (then
        (if (i32.eqz (local.get $acc))
          (then
            (local.set $ir (local.get $i0))
            (block $z (loop $Z
              (br_if $z (i32.ge_u (local.get $ir) (local.get $i1)))
              (memory.fill
                (i32.add (local.get $C) (i32.shl (i32.add (i32.mul (local.get $ir) (local.get $N)) (local.get $j0)) (i32.const 2)))
                (i32.const 0)
                (i32.shl (i32.sub (local.get $j1) (local.get $j0)) (i32.const 2)))
              (local.set $ir (i32.add (local.get $ir) (i32.const 1)))
              (br $Z)))))
        (return)))
    (local.set $kb (call $kblock (local.get $K)))
    ;; lanes of a pre-packed operand's K block, rounded up to whole panels
    (local.set $Mp (i32.and (i32.add (local.get $M) (i32.const 3)) (i32.const -4)))
    (local.set $Np (i32.and (i32.add (local.get $N) (i32.const 7)) (i32.const -8)))
    (local.set $jc (local.get $j0))
    (block $jdone (loop $JC
      (br_if $jdone (i32.ge_u (local.get $jc) (local.get $j1)))
      (local.set $nc (i32.sub (local.get $j1) (local.get $jc)))
      (if (i32.gt_u (local.get $nc) (i32.const 2048)) (then (local.set $nc (i32.const 2048))))
      (local.set $pc (i32.const 0))
      (block $pdone (loop $PC
        (br_if $pdone (i32.ge_u (local.get $pc) (local.get $K)))
        (local.set $kc (i32.sub (local.get $K) (local.get $pc)))
        (if (i32.gt_u (local.get $kc) (local.get $kb)) (then (local.set $kc (local.get $kb))))
        (local.set $add (i32.or (local.get $acc) (i32.ne (local.get $pc) (i32.const 0))))
        ;; pack op(B)[pc:pc+kc, jc:jc+nc] into 8-wide panels (unless it comes pre-packed)
        (local.set $bb (local.get $pB))
        (if (local.get $qB)
          (then (local.set $bb (i32.add (local.get $qB)
            (i32.shl (i32.add (i32.mul (local.get $Np) (local.get $pc)) (i32.mul (local.get $jc) (local.get $kc))) (i32.const 2))))))
        (local.set $jr (if (result i32) (local.get $qB) (then (local.get $nc)) (else (i32.const 0))))
        (block $bd (loop $BP
          (br_if $bd (i32.ge_u (local.get $jr) (local.get $nc)))
          (local.set $w (i32.sub (local.get $nc) (local.get $jr)))
          (if (i32.gt_u (local.get $w) (i32.const 8)) (then (local.set $w (i32.const 8))))
          (call $pack
            (i32.add (local.get $pB) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 2)))
            (i32.add (local.get $B) (i32.shl
              (i32.add (i32.mul (i32.add (local.get $jc) (local.get $jr)) (local.get $bsl))
                       (i32.mul (local.get $pc) (local.get $bsk))) (i32.const 2)))
            (i32.const 8) (local.get $w) (local.get $kc) (local.get $bsl) (local.get $bsk))
          (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
          (br $BP)))
        (local.set $ic (local.get $i0))
        (block $idone (loop $IC
          (br_if $idone (i32.ge_u (local.get $ic) (local.get $i1)))
          (local.set $mc (i32.sub (local.get $i1) (local.get $ic)))
          (if (i32.gt_u (local.get $mc) (i32.const 128)) (then (local.set $mc (i32.const 128))))
          ;; pack op(A)[ic:ic+mc, pc:pc+kc] into 4-tall panels (unless it comes pre-packed)
          (local.set $ab (local.get $pA))
          (if (local.get $qA)
            (then (local.set $ab (i32.add (local.get $qA)
              (i32.shl (i32.add (i32.mul (local.get $Mp) (local.get $pc)) (i32.mul (local.get $ic) (local.get $kc))) (i32.const 2))))))
          (local.set $ir (if (result i32) (local.get $qA) (then (local.get $mc)) (else (i32.const 0))))
          (block $ad (loop $AP
            (br_if $ad (i32.ge_u (local.get $ir) (local.get $mc)))
            (local.set $h (i32.sub (local.get $mc) (local.get $ir)))
            (if (i32.gt_u (local.get $h) (i32.const 4)) (then (local.set $h (i32.const 4))))
            (call $pack
              (i32.add (local.get $pA) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
              (i32.add (local.get $A) (i32.shl
                (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $asl))
                         (i32.mul (local.get $pc) (local.get $ask))) (i32.const 2)))
              (i32.const 4) (local.get $h) (local.get $kc) (local.get $asl) (local.get $ask))
            (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
            (br $AP)))
          ;; micro-kernels: each B panel (L1) against every A panel of the block (L2)
          (local.set $jr (i32.const 0))
          (block $jrd (loop $JR
            (br_if $jrd (i32.ge_u (local.get $jr) (local.get $nc)))
            (local.set $w (i32.sub (local.get $nc) (local.get $jr)))
            (if (i32.gt_u (local.get $w) (i32.const 8)) (then (local.set $w (i32.const 8))))
            (local.set $ir (i32.const 0))
            (block $ird (loop $IR
              (br_if $ird (i32.ge_u (local.get $ir) (local.get $mc)))
              (local.set $h (i32.sub (local.get $mc) (local.get $ir)))
              (if (i32.gt_u (local.get $h) (i32.const 4)) (then (local.set $h (i32.const 4))))
              (call $micro
                (i32.add (local.get $ab) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
                (i32.add (local.get $bb) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 2)))
                (local.get $kc)
                (i32.add (local.get $C) (i32.shl
                  (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $N))
                           (i32.add (local.get $jc) (local.get $jr))) (i32.const 2)))
                (local.get $ldc) (local.get $add) (local.get $h) (local.get $w) (local.get $tmp))
              (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
              (br $IR)))
            (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
            (br $JR)))
          (local.set $ic (i32.add (local.get $ic) (local.get $mc)))
          (br $IC)))
        (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
        (br $PC)))
      (local.set $jc (i32.add (local.get $jc) (local.get $nc)))
      (br $JC))))
