package main

// A small reader for the YAML this webhook meets: the policy file (data/default-policy.yaml) and
// the component configurations kept in kube-system ConfigMaps (KubeletConfiguration,
// KubeProxyConfiguration, kubeadm's ClusterConfiguration). The standard library has no YAML, and
// this peer uses the standard library only, so it reads the block and flow styles those documents
// use: mappings, sequences, plain, quoted and block scalars, comments. Anchors, aliases, tags and
// multi-document streams beyond the first document are not supported.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

type yamlKind int

const (
	yamlNull yamlKind = iota
	yamlScalar
	yamlMap
	yamlSeq
)

// yamlNode is one parsed node. Mappings keep their keys in document order.
type yamlNode struct {
	Kind   yamlKind
	Value  string // scalars
	Keys   []*yamlNode
	Values []*yamlNode
	Items  []*yamlNode
}

var nullNode = &yamlNode{Kind: yamlNull}

// Get returns the value of the first key equal to key, or a null node.
func (n *yamlNode) Get(key string) *yamlNode {
	if n == nil || n.Kind != yamlMap {
		return nullNode
	}
	for i, k := range n.Keys {
		if k.Kind == yamlScalar && k.Value == key {
			return n.Values[i]
		}
	}
	return nullNode
}

// Bool reads a scalar the way YAML 1.1 spells booleans (y/yes/true/on, n/no/false/off, in lower,
// UPPER or Capitalised case).
func (n *yamlNode) Bool() (bool, bool) {
	if n == nil || n.Kind != yamlScalar {
		return false, false
	}
	v := n.Value
	if !(v == strings.ToLower(v) || v == strings.ToUpper(v) ||
		(len(v) > 0 && v[:1] == strings.ToUpper(v[:1]) && v[1:] == strings.ToLower(v[1:]))) {
		return false, false
	}
	switch strings.ToLower(v) {
	case "y", "yes", "true", "on":
		return true, true
	case "n", "no", "false", "off":
		return false, true
	}
	return false, false
}

type yamlLine struct {
	indent int
	text   string // without indentation and comment
	num    int
}

type yamlParser struct {
	lines   []yamlLine
	pos     int
	anchors map[string]*yamlNode
}

func parseYAML(text string) (*yamlNode, error) {
	p := &yamlParser{anchors: map[string]*yamlNode{}}
	for i, raw := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimLeft(raw, " ")
		if strings.HasPrefix(trimmed, "\t") {
			return nil, fmt.Errorf("line %d: tab used for indentation", i+1)
		}
		body := strings.TrimRight(stripComment(trimmed), " \t")
		if body == "" && !strings.HasPrefix(trimmed, "#") {
			// Keep blank lines only as part of block scalars; recorded with indent -1.
			p.lines = append(p.lines, yamlLine{indent: -1, text: "", num: i + 1})
			continue
		}
		if body == "" {
			continue
		}
		if body == "---" || strings.HasPrefix(body, "--- ") {
			if len(p.nonBlank()) > 0 {
				break // only the first document
			}
			body = strings.TrimSpace(strings.TrimPrefix(body, "---"))
			if body == "" {
				continue
			}
		}
		if body == "..." {
			break
		}
		if strings.HasPrefix(body, "%") {
			continue // directives
		}
		p.lines = append(p.lines, yamlLine{indent: len(raw) - len(trimmed), text: body, num: i + 1})
	}
	p.skipBlank()
	if p.pos >= len(p.lines) {
		return nullNode, nil
	}
	node, err := p.block(p.lines[p.pos].indent)
	if err != nil {
		return nil, err
	}
	p.skipBlank()
	if p.pos < len(p.lines) {
		return nil, fmt.Errorf("line %d: unexpected content", p.lines[p.pos].num)
	}
	return node, nil
}

func (p *yamlParser) nonBlank() []yamlLine {
	var out []yamlLine
	for _, l := range p.lines {
		if l.indent >= 0 {
			out = append(out, l)
		}
	}
	return out
}

func (p *yamlParser) skipBlank() {
	for p.pos < len(p.lines) && p.lines[p.pos].indent < 0 {
		p.pos++
	}
}

// stripComment removes a comment: '#' at the start or after a space, outside quotes.
func stripComment(s string) string {
	inSingle, inDouble := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inDouble:
			if c == '\\' {
				i++
			} else if c == '"' {
				inDouble = false
			}
		case inSingle:
			if c == '\'' {
				inSingle = false
			}
		case c == '"' && (i == 0 || strings.ContainsRune(" \t:[{,-", rune(s[i-1]))):
			inDouble = true
		case c == '\'' && (i == 0 || strings.ContainsRune(" \t:[{,-", rune(s[i-1]))):
			inSingle = true
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			return s[:i]
		}
	}
	return s
}

// block parses the node whose first line is at p.pos with the given indentation.
func (p *yamlParser) block(indent int) (*yamlNode, error) {
	p.skipBlank()
	line := p.lines[p.pos]
	if isSeqEntry(line.text) {
		return p.sequence(indent)
	}
	if _, _, ok := splitKey(line.text); ok {
		return p.mapping(indent)
	}
	// A scalar or flow collection, possibly continued on more-indented lines.
	p.pos++
	text := line.text
	if strings.HasPrefix(text, "[") || strings.HasPrefix(text, "{") {
		var err error
		if text, err = p.flowText(text, indent); err != nil {
			return nil, err
		}
		return parseFlow(text, line.num)
	}
	for p.pos < len(p.lines) {
		next := p.lines[p.pos]
		if next.indent >= 0 && next.indent <= indent {
			break
		}
		if next.indent >= 0 {
			text += " " + next.text
		}
		p.pos++
	}
	return scalarNode(text, line.num)
}

// properties strips the tags (!!str, !local) and anchor (&name) before a value; tags are
// ignored, as the configurations use only the core schema.
func properties(text string) (anchor, rest string) {
	rest = text
	for strings.HasPrefix(rest, "!") || strings.HasPrefix(rest, "&") {
		token, after, _ := strings.Cut(rest, " ")
		if token[0] == '&' {
			anchor = token[1:]
		}
		rest = strings.TrimLeft(after, " ")
	}
	return anchor, rest
}

func (p *yamlParser) alias(text string, num int) (*yamlNode, error) {
	name := strings.TrimSpace(text[1:])
	node, ok := p.anchors[name]
	if !ok {
		return nil, fmt.Errorf("line %d: unknown anchor %q", num, name)
	}
	return node, nil
}

func isSeqEntry(text string) bool { return text == "-" || strings.HasPrefix(text, "- ") }

func (p *yamlParser) sequence(indent int) (*yamlNode, error) {
	node := &yamlNode{Kind: yamlSeq}
	for {
		p.skipBlank()
		if p.pos >= len(p.lines) {
			return node, nil
		}
		line := p.lines[p.pos]
		if line.indent < indent || !isSeqEntry(line.text) {
			return node, nil
		}
		if line.indent > indent {
			return nil, fmt.Errorf("line %d: bad indentation of a sequence entry", line.num)
		}
		// Anchors on sequence entries are not recorded (the configurations have none).
		_, rest := properties(strings.TrimLeft(strings.TrimPrefix(line.text, "-"), " "))
		if strings.HasPrefix(rest, "*") {
			p.pos++
			item, err := p.alias(rest, line.num)
			if err != nil {
				return nil, err
			}
			node.Items = append(node.Items, item)
			continue
		}
		if rest == "" {
			p.pos++
			item, err := p.valueBelow(indent, true)
			if err != nil {
				return nil, err
			}
			node.Items = append(node.Items, item)
			continue
		}
		// "- key: value" starts a nested block at the column of its content.
		col := line.indent + (len(line.text) - len(rest))
		p.lines[p.pos] = yamlLine{indent: col, text: rest, num: line.num}
		item, err := p.block(col)
		if err != nil {
			return nil, err
		}
		node.Items = append(node.Items, item)
	}
}

func (p *yamlParser) mapping(indent int) (*yamlNode, error) {
	node := &yamlNode{Kind: yamlMap}
	for {
		p.skipBlank()
		if p.pos >= len(p.lines) {
			return node, nil
		}
		line := p.lines[p.pos]
		if line.indent < indent {
			return node, nil
		}
		if line.indent > indent {
			return nil, fmt.Errorf("line %d: bad indentation of a mapping entry", line.num)
		}
		if isSeqEntry(line.text) {
			return node, nil // a sequence at the parent's indentation ends this mapping
		}
		key, rest, ok := splitKey(line.text)
		if !ok {
			return nil, fmt.Errorf("line %d: could not find expected ':'", line.num)
		}
		keyNode, err := scalarNode(key, line.num)
		if err != nil {
			return nil, err
		}
		p.pos++
		anchor, rest := properties(rest)
		var value *yamlNode
		switch {
		case strings.HasPrefix(rest, "*"):
			value, err = p.alias(rest, line.num)
		case rest == "":
			value, err = p.valueBelow(indent, false)
		case rest[0] == '|' || rest[0] == '>':
			value, err = p.blockScalar(rest, indent, line.num)
		case rest[0] == '[' || rest[0] == '{':
			var text string
			if text, err = p.flowText(rest, indent); err == nil {
				value, err = parseFlow(text, line.num)
			}
		default:
			text := rest
			for p.pos < len(p.lines) { // plain or quoted scalar continued on the next lines
				next := p.lines[p.pos]
				if next.indent >= 0 && next.indent <= indent {
					break
				}
				if next.indent >= 0 {
					if _, _, isKey := splitKey(next.text); isKey && !strings.HasPrefix(text, "\"") {
						return nil, fmt.Errorf("line %d: mapping values are not allowed here", next.num)
					}
					text += " " + next.text
				}
				p.pos++
			}
			value, err = scalarNode(text, line.num)
		}
		if err != nil {
			return nil, err
		}
		if anchor != "" {
			p.anchors[anchor] = value
		}
		node.Keys = append(node.Keys, keyNode)
		node.Values = append(node.Values, value)
	}
}

// valueBelow parses the value written on the lines after a "key:" or "-": a more-indented block,
// a sequence at the same indentation (for a mapping key), or nothing (null).
func (p *yamlParser) valueBelow(indent int, inSeq bool) (*yamlNode, error) {
	p.skipBlank()
	if p.pos >= len(p.lines) {
		return nullNode, nil
	}
	next := p.lines[p.pos]
	if next.indent > indent || (!inSeq && next.indent == indent && isSeqEntry(next.text)) {
		return p.block(next.indent)
	}
	return nullNode, nil
}

func (p *yamlParser) blockScalar(header string, indent, num int) (*yamlNode, error) {
	folded := header[0] == '>'
	chomp := "clip"
	if strings.Contains(header, "-") {
		chomp = "strip"
	} else if strings.Contains(header, "+") {
		chomp = "keep"
	}
	var lines []string
	blockIndent := -1
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		if l.indent >= 0 && l.indent <= indent {
			break
		}
		if l.indent < 0 {
			lines = append(lines, "")
		} else {
			if blockIndent < 0 {
				blockIndent = l.indent
			}
			// Comments inside block scalars are content; re-read the raw text is not possible
			// here, so a '#' after a space in a block scalar is lost. Configurations do not have one.
			lines = append(lines, strings.Repeat(" ", l.indent-blockIndent)+l.text)
		}
		p.pos++
	}
	sep := "\n"
	if folded {
		sep = " "
	}
	body := strings.Join(lines, sep)
	switch chomp {
	case "strip":
		body = strings.TrimRight(body, "\n ")
	case "clip":
		body = strings.TrimRight(body, "\n ") + "\n"
	default:
		body += "\n"
	}
	_ = num
	return &yamlNode{Kind: yamlScalar, Value: body}, nil
}

// flowText gathers a flow collection that may span several lines until its brackets balance.
func (p *yamlParser) flowText(text string, indent int) (string, error) {
	for !flowBalanced(text) {
		if p.pos >= len(p.lines) {
			return "", errors.New("end of document inside a flow collection")
		}
		if p.lines[p.pos].indent >= 0 {
			text += " " + p.lines[p.pos].text
		}
		p.pos++
	}
	return text, nil
}

func flowBalanced(s string) bool {
	depth := 0
	inSingle, inDouble := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inDouble:
			if c == '\\' {
				i++
			} else if c == '"' {
				inDouble = false
			}
		case inSingle:
			if c == '\'' {
				inSingle = false
			}
		case c == '"':
			inDouble = true
		case c == '\'':
			inSingle = true
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		}
	}
	return depth <= 0
}

// splitKey splits "key: value" (or "key:") at the first ": " outside quotes.
func splitKey(text string) (key, rest string, ok bool) {
	if strings.HasPrefix(text, "[") || strings.HasPrefix(text, "{") {
		return "", "", false
	}
	inSingle, inDouble := false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case inDouble:
			if c == '\\' {
				i++
			} else if c == '"' {
				inDouble = false
			}
		case inSingle:
			if c == '\'' {
				inSingle = false
			}
		case c == '"' && i == 0:
			inDouble = true
		case c == '\'' && i == 0:
			inSingle = true
		case c == ':' && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\t'):
			return strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+1:]), true
		}
	}
	return "", "", false
}

func scalarNode(text string, num int) (*yamlNode, error) {
	text = strings.TrimSpace(text)
	switch {
	case strings.HasPrefix(text, "\""):
		end := closingQuote(text, '"')
		if end < 0 || strings.TrimSpace(text[end+1:]) != "" {
			return nil, fmt.Errorf("line %d: unterminated or malformed double-quoted scalar", num)
		}
		v, err := strconv.Unquote(text[:end+1])
		if err != nil {
			v = text[1:end] // YAML escapes Go does not know: keep the text
		}
		return &yamlNode{Kind: yamlScalar, Value: v}, nil
	case strings.HasPrefix(text, "'"):
		end := closingQuote(text, '\'')
		if end < 0 || strings.TrimSpace(text[end+1:]) != "" {
			return nil, fmt.Errorf("line %d: unterminated or malformed single-quoted scalar", num)
		}
		return &yamlNode{Kind: yamlScalar, Value: strings.ReplaceAll(text[1:end], "''", "'")}, nil
	case text == "" || text == "~" || text == "null" || text == "Null" || text == "NULL":
		return nullNode, nil
	case strings.HasPrefix(text, "&") || strings.HasPrefix(text, "*"):
		return nil, fmt.Errorf("line %d: anchors and aliases are not supported", num)
	}
	return &yamlNode{Kind: yamlScalar, Value: text}, nil
}

func closingQuote(text string, q byte) int {
	for i := 1; i < len(text); i++ {
		if q == '"' && text[i] == '\\' {
			i++
			continue
		}
		if text[i] == q {
			if q == '\'' && i+1 < len(text) && text[i+1] == '\'' {
				i++
				continue
			}
			return i
		}
	}
	return -1
}

// parseFlow parses a flow collection ("[a, b]", "{k: v}") written on one logical line.
func parseFlow(text string, num int) (*yamlNode, error) {
	f := &flowParser{s: text, num: num}
	node, err := f.value()
	if err != nil {
		return nil, err
	}
	f.space()
	if f.i != len(f.s) {
		return nil, fmt.Errorf("line %d: unexpected text after a flow collection", num)
	}
	return node, nil
}

type flowParser struct {
	s   string
	i   int
	num int
}

func (f *flowParser) space() {
	for f.i < len(f.s) && (f.s[f.i] == ' ' || f.s[f.i] == '\t') {
		f.i++
	}
}

func (f *flowParser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: "+format, append([]any{f.num}, args...)...)
}

func (f *flowParser) value() (*yamlNode, error) {
	f.space()
	for f.i < len(f.s) && f.s[f.i] == '!' { // tags are ignored
		for f.i < len(f.s) && f.s[f.i] != ' ' {
			f.i++
		}
		f.space()
	}
	if f.i >= len(f.s) {
		return nil, f.errorf("unexpected end of flow collection")
	}
	switch f.s[f.i] {
	case '[':
		f.i++
		node := &yamlNode{Kind: yamlSeq}
		for {
			f.space()
			if f.i < len(f.s) && f.s[f.i] == ']' {
				f.i++
				return node, nil
			}
			item, err := f.value()
			if err != nil {
				return nil, err
			}
			node.Items = append(node.Items, item)
			if err := f.separator(']'); err != nil {
				return nil, err
			}
		}
	case '{':
		f.i++
		node := &yamlNode{Kind: yamlMap}
		for {
			f.space()
			if f.i < len(f.s) && f.s[f.i] == '}' {
				f.i++
				return node, nil
			}
			key, err := f.scalar(true)
			if err != nil {
				return nil, err
			}
			f.space()
			value := nullNode
			if f.i < len(f.s) && f.s[f.i] == ':' {
				f.i++
				if value, err = f.value(); err != nil {
					return nil, err
				}
			}
			node.Keys = append(node.Keys, key)
			node.Values = append(node.Values, value)
			if err := f.separator('}'); err != nil {
				return nil, err
			}
		}
	}
	return f.scalar(false)
}

// separator consumes "," or peeks at the closing bracket.
func (f *flowParser) separator(closing byte) error {
	f.space()
	if f.i >= len(f.s) {
		return f.errorf("unterminated flow collection")
	}
	if f.s[f.i] == ',' {
		f.i++
		return nil
	}
	if f.s[f.i] == closing {
		return nil
	}
	return f.errorf("expected ',' or '%c'", closing)
}

func (f *flowParser) scalar(isKey bool) (*yamlNode, error) {
	f.space()
	start := f.i
	if f.i < len(f.s) && (f.s[f.i] == '"' || f.s[f.i] == '\'') {
		end := closingQuote(f.s[f.i:], f.s[f.i])
		if end < 0 {
			return nil, f.errorf("unterminated quoted scalar")
		}
		f.i += end + 1
		return scalarNode(f.s[start:f.i], f.num)
	}
	for f.i < len(f.s) {
		c := f.s[f.i]
		if c == ',' || c == ']' || c == '}' || c == '[' || c == '{' {
			break
		}
		if c == ':' && (f.i+1 == len(f.s) || strings.ContainsRune(" ,]}", rune(f.s[f.i+1]))) {
			if isKey {
				break
			}
		}
		f.i++
	}
	return scalarNode(f.s[start:f.i], f.num)
}
