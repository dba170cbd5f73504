#include "textflag.h"

// func prefetchCell(t *table, h uint64)
//
// Reads t.cells' pointer and length (racing writers is harmless: a torn or stale pair only
// aims the prefetch elsewhere, and a prefetch never faults) and prefetches the cell a lookup
// of hash h reads first.
TEXT ·prefetchCell(SB), NOSPLIT|NOFRAME, $0-16
	MOVQ t+0(FP), AX
	MOVQ h+8(FP), BX
	MOVQ 0(AX), CX // t.cells' data pointer
	MOVQ 8(AX), DX // t.cells' length, a power of two or 0
	TESTQ DX, DX
	JZ done
	DECQ DX
	ANDQ DX, BX
	SHLQ $4, BX // 16-byte cells
	PREFETCHT0 (CX)(BX*1)
done:
	RET

// func prefetchLines(p unsafe.Pointer)
//
// Prefetches the two cache lines from p on: an entry's header, key and short value.
TEXT ·prefetchLines(SB), NOSPLIT|NOFRAME, $0-8
	MOVQ p+0(FP), AX
	PREFETCHT0 0(AX)
	PREFETCHT0 64(AX)
	RET
