package keyspace

// ActiveExpire removes up to budget expired keys, sampling volatile keys slot by slot from
// where the previous call stopped, as Redis's active expire cycle does. It takes each slot's
// lock while it works on it and returns how many keys it removed.
func (ks *Keyspace) ActiveExpire(cursor *ExpireCursor, budget int) int {
	if ks.NoExpiry.Load() {
		return 0
	}
	removed := 0
	now := ks.Clock()
	visited := 0
	for visited < len(ks.DBs)*len(ks.DBs[0].slots) && removed < budget {
		db := ks.DBs[cursor.DB%len(ks.DBs)]
		if db.volatile.Load() == 0 {
			visited += len(db.slots) - cursor.Slot
			cursor.DB++
			cursor.Slot = 0
			continue
		}
		s := cursor.Slot
		cursor.Slot++
		if cursor.Slot == len(db.slots) {
			cursor.Slot = 0
			cursor.DB++
		}
		visited++
		if db.perSlot[s].Load() == 0 {
			continue
		}
		ks.Lock(s)
		if t := db.table(s, false); t != nil && len(t.expires) > 0 {
			removed += db.expireSlot(t, s, now, budget-removed)
		}
		ks.Unlock(s)
	}
	return removed
}

// ExpireCursor remembers where ActiveExpire stopped.
type ExpireCursor struct{ DB, Slot int }

func (db *DB) expireSlot(t *slotTable, s int, now int64, budget int) int {
	removed, sampled := 0, 0
	// Go starts each map walk at a random place, so the first entries are a fair sample; a
	// slot with many volatile keys is not scanned whole on every visit.
	for k, when := range t.expires {
		if removed >= budget || sampled >= 64 {
			break
		}
		sampled++
		if when > now {
			continue
		}
		key := []byte(k)
		db.remove(t, s, key)
		db.ks.expiredKeys.Add(1)
		if db.ks.OnExpire != nil {
			db.ks.OnExpire(db.ID, key)
		}
		removed++
	}
	return removed
}
