// The CPU's bf16 dot-product ceiling: VDPBF16PS on 512-bit registers, twelve independent chains per thread, next to the
// float32 FMA ceiling measured the same way. .NET has no intrinsic for VDPBF16PS, so this one is C:
//
//   gcc -O2 -mavx512f -mavx512bf16 -fopenmp bench/bf16_ceiling.c -o /tmp/bf16_ceiling && /tmp/bf16_ceiling 2
//
// A bf16 GEMM cannot run faster than the first figure; compare it with the bench's bf16 matmul rates.
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define TWELVE(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define DECLARE(i) __m512 a##i = _mm512_set1_ps(1.0f + i); // distinct starts: the compiler cannot merge the chains
#define DOT(i) a##i = _mm512_dpbf16_ps(a##i, x, y);
#define FMA(i) a##i = _mm512_fmadd_ps(a##i, m, c);
#define SUM(i) s = _mm512_add_ps(s, a##i);

static float bf16_chains(long n)
{
    TWELVE(DECLARE)
    __m512bh x = (__m512bh)_mm512_set1_epi16(0x3f80), y = (__m512bh)_mm512_set1_epi16(0x3380); // 1.0 and ~6e-8
    for (long i = 0; i < n; i++) { TWELVE(DOT) }
    __m512 s = _mm512_setzero_ps();
    TWELVE(SUM)
    return _mm512_reduce_add_ps(s);
}

static float fp32_chains(long n)
{
    TWELVE(DECLARE)
    __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
    for (long i = 0; i < n; i++) { TWELVE(FMA) }
    __m512 s = _mm512_setzero_ps();
    TWELVE(SUM)
    return _mm512_reduce_add_ps(s);
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    const long n = 150000000;
    float sink = 0; // printed, so that no chain can be dropped as unused
    double best_bf16 = 0, best_fp32 = 0;
    for (int window = 0; window < 3; window++)
    {
        double t0 = omp_get_wtime();
#pragma omp parallel num_threads(threads) reduction(+ : sink)
        sink += bf16_chains(n);
        double t1 = omp_get_wtime();
#pragma omp parallel num_threads(threads) reduction(+ : sink)
        sink += fp32_chains(n);
        double t2 = omp_get_wtime();
        // VDPBF16PS: 32 bf16 products summed into 16 floats = 64 flops; FMA: 16 lanes × 2 = 32 flops.
        double bf16 = threads * n * 12 * 64.0 / (t1 - t0) / 1e9, fp32 = threads * n * 12 * 32.0 / (t2 - t1) / 1e9;
        if (bf16 > best_bf16) best_bf16 = bf16;
        if (fp32 > best_fp32) best_fp32 = fp32;
    }
    printf("%d thread(s): bf16 dot-product ceiling %.0f GFLOP/s, float32 FMA ceiling %.0f GFLOP/s (checksum %g)\n", threads, best_bf16,
           best_fp32, sink);
    return 0;
}
