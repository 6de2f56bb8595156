package seccomp

import (
	"fmt"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// maxArgs is the number of syscall arguments in seccomp_data.
const maxArgs = 6

// rule is one alternative for a syscall: when every arg condition holds
// (none: always), the filter returns ret.
type rule struct {
	ret  uint32
	args []specs.LinuxSeccompArg
}

// syscallRules is the profile for one ABI: the rules of each syscall number
// in profile order, and the largest number the profile names.
type syscallRules struct {
	byNr  map[uint32][]rule
	maxNr uint32
	named bool // some name in the profile exists on this ABI
}

// profileRule is a profile entry with its action resolved, shared by all ABIs.
type profileRule struct {
	names []string
	alts  []rule
}

// parseRules validates the profile's syscall entries and turns each into the
// rules it stands for. Entries whose action is the default are dropped, as
// runc does (libseccomp refuses them). Conditions on one argument index given
// twice cannot be ANDed by libseccomp; runc then ORs them, one rule each, and
// so does this.
func parseRules(s *specs.LinuxSeccomp, defRet uint32) ([]profileRule, error) {
	var out []profileRule
	for _, sc := range s.Syscalls {
		ret, err := retValue(sc.Action, sc.ErrnoRet)
		if err != nil {
			return nil, err
		}
		seen := map[uint]bool{}
		repeated := false
		for _, a := range sc.Args {
			if a.Index >= maxArgs {
				return nil, invalid(fmt.Sprintf("seccomp rule for %v: argument index %d out of range", sc.Names, a.Index))
			}
			if !validOp(a.Op) {
				return nil, invalid(fmt.Sprintf("seccomp rule for %v: unknown operator %q", sc.Names, a.Op))
			}
			repeated = repeated || seen[a.Index]
			seen[a.Index] = true
		}
		pr := profileRule{names: sc.Names}
		switch {
		case ret == defRet:
		case repeated:
			for _, a := range sc.Args {
				pr.alts = append(pr.alts, rule{ret: ret, args: []specs.LinuxSeccompArg{a}})
			}
		default:
			pr.alts = []rule{{ret: ret, args: sc.Args}}
		}
		out = append(out, pr)
	}
	return out, nil
}

func validOp(op specs.LinuxSeccompOperator) bool {
	switch op {
	case specs.OpNotEqual, specs.OpLessThan, specs.OpLessEqual, specs.OpEqualTo,
		specs.OpGreaterEqual, specs.OpGreaterThan, specs.OpMaskedEqual:
		return true
	}
	return false
}

// forABI resolves the rules' names on one ABI; names it lacks are skipped,
// as libseccomp skips them.
func forABI(prs []profileRule, a abi) syscallRules {
	sr := syscallRules{byNr: map[uint32][]rule{}}
	for _, pr := range prs {
		for _, name := range pr.names {
			nr, ok := lookup(a.table, name)
			if !ok {
				continue
			}
			sr.named = true
			sr.maxNr = max(sr.maxNr, nr)
			rs := sr.byNr[nr]
			// After a rule without conditions the syscall is decided.
			if slices.ContainsFunc(rs, func(r rule) bool { return len(r.args) == 0 }) {
				continue
			}
			sr.byNr[nr] = append(rs, pr.alts...)
		}
	}
	for nr, rs := range sr.byNr {
		if len(rs) == 0 {
			delete(sr.byNr, nr)
		}
	}
	return sr
}
