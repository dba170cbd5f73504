package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/stat and /proc/<pid>/stat (100 on Linux).
const clockTicks = 100

// machineCPU is the busy and total time of all cores from /proc/stat, in ticks.
type machineCPU struct{ busy, total int64 }

// readMachineCPU reads the "cpu" line of /proc/stat. Busy is user, nice, system and steal;
// irq and softirq time is left out because loopback TCP's softirq work for our own processes
// is not charged to them and would otherwise count as someone else's.
func readMachineCPU() (machineCPU, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return machineCPU{}, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return machineCPU{}, fmt.Errorf("/proc/stat: unexpected %q", line)
	}
	var v [8]int64
	for i := range v {
		if v[i], err = strconv.ParseInt(f[i+1], 10, 64); err != nil {
			return machineCPU{}, err
		}
	}
	user, nice, system, idle, iowait, irq, softirq, steal := v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]
	return machineCPU{
		busy:  user + nice + system + steal,
		total: user + nice + system + idle + iowait + irq + softirq + steal,
	}, nil
}

// processCPU returns the user+system time of pid so far, in ticks.
func processCPU(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is parenthesised and may hold spaces: fields after it.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too short", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad utime/stime", pid)
	}
	return ut + st, nil
}

func rusageTicks(ru *syscall.Rusage) int64 {
	d := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return int64(d / (time.Second / clockTicks))
}

// otherCPU accumulates how much of the machine's CPU time went to processes other than the
// server and the client under test while they ran.
type otherCPU struct {
	other, total int64
}

func (o *otherCPU) add(before, after machineCPU, ours int64) {
	other := after.busy - before.busy - ours
	if other < 0 {
		other = 0
	}
	o.other += other
	o.total += after.total - before.total
}

// share is the fraction (0..1) of all cores' time other processes used, or -1 if unknown.
func (o *otherCPU) share() float64 {
	if o.total <= 0 {
		return -1
	}
	return float64(o.other) / float64(o.total)
}
