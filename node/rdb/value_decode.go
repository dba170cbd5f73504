package rdb

import (
	"math"
	"strconv"
	"strings"

	"github.com/rcnode/rcnode/node/datatype"
)

// Limits are the encoding thresholds loaded values get: like Redis, a loader applies its
// own configuration, converting a listpack with too many entries to a table.
type Limits struct {
	Hash datatype.Limits // hash-max-listpack-entries, hash-max-listpack-value
	ZSet datatype.Limits // zset-max-listpack-entries, zset-max-listpack-value
	Set  datatype.Limits // set-max-intset-entries
}

// DefaultLimits are Redis 7.0's default thresholds.
func DefaultLimits() Limits {
	return Limits{Hash: datatype.DefaultHashLimits, ZSet: datatype.DefaultZSetLimits, Set: datatype.DefaultSetLimits}
}

// unlimited keeps a listpack a listpack while it is being filled: Redis loads listpack
// blobs as they are and only checks their entry count.
var unlimited = datatype.Limits{MaxEntries: math.MaxInt, MaxValue: math.MaxInt}

// valueDecoder turns encoded values into the datatype values, following rdbLoadObject:
// the same encodings result, and what Redis refuses (duplicates, NaN scores, broken
// listpacks) is refused with a FormatError.
type valueDecoder struct {
	r       *reader
	lim     Limits
	scratch []byte   // the blob being parsed
	elems   []string // a blob's elements before they are placed
}

func (d *valueDecoder) value(t byte) (any, error) {
	r := d.r
	switch t {
	case typeString:
		b, err := r.bytes()
		if err != nil {
			return nil, err
		}
		return &datatype.Str{B: b}, nil
	case typeList:
		return d.linkedList()
	case typeSet:
		return d.set()
	case typeZSet, typeZSet2:
		return d.zset(t == typeZSet2)
	case typeHash:
		return d.hash()
	case typeListQuicklist, typeListQuicklist2:
		return d.quicklist(t == typeListQuicklist2)
	case typeHashZipmap, typeListZiplist, typeSetIntset, typeZSetZiplist, typeHashZiplist,
		typeHashListpack, typeZSetListpack:
		var err error
		if d.scratch, err = r.appendString(d.scratch[:0]); err != nil {
			return nil, err
		}
		return d.blob(t, d.scratch)
	case typeStreamListpacks, typeStreamListpack2:
		return nil, unsupportedError{"stream values"}
	case typeModule, typeModule2:
		return nil, unsupportedError{"module values"}
	}
	return nil, r.corrupt("unknown value type %d", t)
}

func (d *valueDecoder) linkedList() (any, error) {
	n, err := d.elements()
	if err != nil {
		return nil, err
	}
	l := &datatype.List{}
	for ; n > 0; n-- {
		s, err := d.r.string()
		if err != nil {
			return nil, err
		}
		l.PushBackString(s)
	}
	return l, nil
}

func (d *valueDecoder) set() (any, error) {
	n, err := d.elements()
	if err != nil {
		return nil, err
	}
	s := &datatype.Set{}
	for ; n > 0; n-- {
		if d.scratch, err = d.r.appendString(d.scratch[:0]); err != nil {
			return nil, err
		}
		if !s.Add(d.scratch, d.lim.Set) {
			return nil, d.r.corrupt("duplicate set members detected")
		}
	}
	return s, nil
}

func (d *valueDecoder) zset(binary bool) (any, error) {
	n, err := d.elements()
	if err != nil {
		return nil, err
	}
	// Built as a skiplist and converted after, as Redis does: a skiplist keeps -0.
	z := &datatype.ZSet{}
	z.UseSkiplist()
	for ; n > 0; n-- {
		m, err := d.r.string()
		if err != nil {
			return nil, err
		}
		var score float64
		if binary {
			score, err = d.r.binaryDouble()
		} else {
			score, err = d.r.textDouble()
		}
		if err != nil {
			return nil, err
		}
		if math.IsNaN(score) {
			return nil, d.r.corrupt("zset with NaN score detected")
		}
		if _, dup := z.ScoreOf(m); dup {
			return nil, d.r.corrupt("duplicate zset fields detected")
		}
		z.InsertAbsent(m, score)
	}
	z.ConvertToListpackIfNeeded(d.lim.ZSet)
	return z, nil
}

func (d *valueDecoder) hash() (any, error) {
	n, err := d.elements()
	if err != nil {
		return nil, err
	}
	h := &datatype.Hash{}
	if n > uint64(d.lim.Hash.MaxEntries) {
		h.ConvertToHashtable()
	}
	for ; n > 0; n-- {
		f, err := d.r.string()
		if err != nil {
			return nil, err
		}
		v, err := d.r.string()
		if err != nil {
			return nil, err
		}
		if !h.SetString(f, v, d.lim.Hash) {
			return nil, d.r.corrupt("duplicate hash fields detected")
		}
	}
	return h, nil
}

func (d *valueDecoder) quicklist(v2 bool) (any, error) {
	n, err := d.elements()
	if err != nil {
		return nil, err
	}
	l := &datatype.List{}
	push := func(s []byte, v int64, isInt bool) error {
		l.PushBackString(elemString(s, v, isInt))
		return nil
	}
	for ; n > 0; n-- {
		container := uint64(containerPacked)
		if v2 {
			if container, err = d.r.count(); err != nil {
				return nil, err
			}
			if container != containerPacked && container != containerPlain {
				return nil, d.r.corrupt("quicklist integrity check failed: container %d", container)
			}
		}
		if d.scratch, err = d.r.appendString(d.scratch[:0]); err != nil {
			return nil, err
		}
		if len(d.scratch) == 0 {
			return nil, d.r.corrupt("empty quicklist node")
		}
		switch {
		case container == containerPlain:
			l.PushBackString(string(d.scratch))
		case v2:
			_, err = lpEach(d.scratch, push)
		default:
			_, err = zlEach(d.scratch, push)
		}
		if err != nil {
			return nil, d.r.corrupt("%v", err)
		}
	}
	// Empty nodes are skipped; a list left with nothing is an empty key.
	if l.Len() == 0 {
		return nil, errEmpty
	}
	return l, nil
}

// collect appends a blob's elements to d.elems.
func (d *valueDecoder) collect(s []byte, v int64, isInt bool) error {
	d.elems = append(d.elems, elemString(s, v, isInt))
	return nil
}

func elemString(s []byte, v int64, isInt bool) string {
	if isInt {
		return strconv.FormatInt(v, 10)
	}
	return string(s)
}

// blob loads the types whose value is one encoded string: a ziplist, listpack, intset or
// zipmap.
func (d *valueDecoder) blob(t byte, b []byte) (any, error) {
	d.elems = d.elems[:0]
	defer func() { clear(d.elems); d.elems = d.elems[:0] }()
	var err error
	switch t {
	case typeSetIntset:
		s := &datatype.Set{}
		err = intsetEach(b, func(v int64) error { s.AddInt(v, d.lim.Set); return nil })
		if err != nil {
			return nil, d.r.corrupt("%v", err)
		}
		return s, nil
	case typeListZiplist:
		if _, err = zlEach(b, d.collect); err != nil {
			return nil, d.r.corrupt("%v", err)
		}
		if len(d.elems) == 0 {
			return nil, errEmpty
		}
		l := &datatype.List{}
		for _, e := range d.elems {
			l.PushBackString(e)
		}
		return l, nil
	case typeHashZipmap:
		maxLen := 0
		_, err = zipmapEach(b, func(f, v []byte) error {
			maxLen = max(maxLen, len(f), len(v))
			d.elems = append(d.elems, string(f), string(v))
			return nil
		})
		if err != nil {
			return nil, d.r.corrupt("%v", err)
		}
		// Redis converts a zipmap hash with long fields or values too.
		return d.pairsHash(maxLen > d.lim.Hash.MaxValue)
	case typeHashZiplist, typeZSetZiplist:
		_, err = zlEach(b, d.collect)
	case typeHashListpack, typeZSetListpack:
		_, err = lpEach(b, d.collect)
	}
	if err != nil {
		return nil, d.r.corrupt("%v", err)
	}
	if len(d.elems)%2 != 0 {
		return nil, d.r.corrupt("odd number of elements in a pairs encoding")
	}
	if len(d.elems) == 0 {
		return nil, errEmpty
	}
	if t == typeHashZiplist || t == typeHashListpack {
		return d.pairsHash(false)
	}
	return d.pairsZSet()
}

// pairsHash builds a hash from d.elems (field, value, ...), which stays a listpack unless
// it has more than hash-max-listpack-entries fields or convert is set.
func (d *valueDecoder) pairsHash(convert bool) (any, error) {
	h := &datatype.Hash{}
	if convert || len(d.elems)/2 > d.lim.Hash.MaxEntries {
		h.ConvertToHashtable()
	}
	for i := 0; i < len(d.elems); i += 2 {
		if !h.SetString(d.elems[i], d.elems[i+1], unlimited) {
			return nil, d.r.corrupt("duplicate hash fields detected")
		}
	}
	return h, nil
}

// pairsZSet builds a sorted set from d.elems (member, score, ...), which stays a listpack
// unless it has more than zset-max-listpack-entries members.
func (d *valueDecoder) pairsZSet() (any, error) {
	z := &datatype.ZSet{}
	for i := 0; i < len(d.elems); i += 2 {
		m := d.elems[i]
		score, ok := parseScore([]byte(d.elems[i+1]))
		if !ok || math.IsNaN(score) {
			return nil, d.r.corrupt("invalid score %q in a sorted set", d.elems[i+1])
		}
		if _, dup := z.ScoreOf(m); dup {
			return nil, d.r.corrupt("duplicate zset fields detected")
		}
		z.InsertAbsent(m, score)
	}
	if z.Len() > d.lim.ZSet.MaxEntries {
		z.UseSkiplist()
	}
	return z, nil
}

// parseScore reads a score written as text (old ZSET values, listpack scores) the way
// strtod does for what Redis writes: %.17g, integers, "inf", "-inf", "nan". Leading white
// space is skipped; anything else after the number is refused.
func parseScore(b []byte) (float64, bool) {
	s := strings.TrimLeft(string(b), " \t\n\v\f\r")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	return f, true
}

// elements reads a collection's element count; an empty collection is errEmpty, which the
// loader skips as Redis does.
func (d *valueDecoder) elements() (uint64, error) {
	n, err := d.r.count()
	if err == nil && n == 0 {
		err = errEmpty
	}
	return n, err
}
