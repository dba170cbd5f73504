package node

import (
	"syscall"
	"unsafe"
)

// peerHungUp polls socket fd without waiting: true once the peer closed its end (POLLRDHUP,
// seen even with data still unread) or the connection failed.
func peerHungUp(fd int) bool {
	const pollErr, pollHup, pollRdHup = 0x8, 0x10, 0x2000
	pfd := struct {
		fd             int32
		events, revent int16
	}{fd: int32(fd), events: pollRdHup}
	var ts syscall.Timespec // zero: do not wait
	n, _, errno := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1,
		uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
	if errno != 0 {
		return errno != syscall.EINTR
	}
	return n == 1 && pfd.revent&(pollErr|pollHup|pollRdHup) != 0
}
