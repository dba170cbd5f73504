package difftest

import (
	"fmt"
	"strconv"
)

// splitArgs splits a script line the way redis-cli (sdssplitargs) does.
func splitArgs(line string) ([]string, error) {
	var out []string
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			return out, nil
		}
		var cur []byte
		switch line[i] {
		case '"':
			i++
			for {
				if i >= len(line) {
					return nil, fmt.Errorf("unbalanced quotes")
				}
				ch := line[i]
				if ch == '"' {
					i++
					break
				}
				if ch == '\\' && i+1 < len(line) {
					i++
					switch line[i] {
					case 'n':
						ch = '\n'
					case 'r':
						ch = '\r'
					case 't':
						ch = '\t'
					case 'x':
						if i+2 < len(line) {
							if v, err := strconv.ParseUint(line[i+1:i+3], 16, 8); err == nil {
								ch = byte(v)
								i += 2
								break
							}
						}
						ch = 'x'
					default:
						ch = line[i]
					}
				}
				cur = append(cur, ch)
				i++
			}
		case '\'':
			i++
			for {
				if i >= len(line) {
					return nil, fmt.Errorf("unbalanced quotes")
				}
				if line[i] == '\\' && i+1 < len(line) && line[i+1] == '\'' {
					cur = append(cur, '\'')
					i += 2
					continue
				}
				if line[i] == '\'' {
					i++
					break
				}
				cur = append(cur, line[i])
				i++
			}
		default:
			for i < len(line) && line[i] != ' ' && line[i] != '\t' {
				cur = append(cur, line[i])
				i++
			}
		}
		if cur == nil {
			cur = []byte{}
		}
		out = append(out, string(cur))
	}
}
