#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Boot-test plans and results.

  results.py plan EXPECTED                 print the guest's test plan
  results.py compare EXPECTED TAP SUMMARY  compare a run with EXPECTED, write
                                           SUMMARY, print result lines
  results.py side-by-side BASE PATCHED     compare two runs' TAP files

EXPECTED lines:  KIND NAME EXPECT [timeout=SECS] [args="..."] [-- REASON]
  KIND    kvm (a KVM selftest) or kunit (a KUnit suite)
  NAME    a selftest's path, or PATH@PARAMS to run it with kvm_amd loaded
          with the comma-separated module parameters PARAMS
  EXPECT  pass, skip (it runs, and skips itself), or notrun (not started;
          REASON says why)
"""
import re
import shlex
import sys

DEFAULT_TIMEOUT = 120


def load_expected(path):
    tests = {}
    order = []
    for n, raw in enumerate(open(path), 1):
        line = raw.split('#', 1)[0] if raw.lstrip().startswith('#') else raw
        line = line.strip()
        if not line:
            continue
        reason = ''
        if ' -- ' in line:
            line, reason = line.split(' -- ', 1)
        f = shlex.split(line)
        if len(f) < 3 or f[0] not in ('kvm', 'kunit') or \
           f[2] not in ('pass', 'skip', 'notrun'):
            sys.exit('%s:%d: bad line: %s' % (path, n, raw.rstrip()))
        t = {'kind': f[0], 'name': f[1], 'expect': f[2], 'reason': reason.strip(),
             'timeout': DEFAULT_TIMEOUT, 'args': ''}
        for opt in f[3:]:
            k, _, v = opt.partition('=')
            if k == 'timeout':
                t['timeout'] = int(v)
            elif k == 'args':
                t['args'] = v
            else:
                sys.exit('%s:%d: unknown option %s' % (path, n, opt))
        if t['expect'] in ('notrun', 'skip') and not t['reason']:
            sys.exit('%s:%d: %s needs a reason after " -- "' % (path, n, t['expect']))
        key = (t['kind'], t['name'])
        if key in tests:
            sys.exit('%s:%d: %s %s listed twice' % (path, n, *key))
        tests[key] = t
        order.append(key)
    return tests, order


def plan(expected):
    tests, order = load_expected(expected)
    for key in order:
        t = tests[key]
        if t['kind'] == 'kvm' and t['expect'] != 'notrun':
            print(t['name'], t['timeout'], t['args'])


def parse_tap(path):
    """Return ({name: (status, why, output)} for KVM tests,
               {suite: [(case, status, why)]} for KUnit, done flag)."""
    kvm, kunit = {}, {}
    section, suite, out, done = None, None, [], False
    for line in open(path, errors='replace'):
        line = line.rstrip('\r\n')
        if line == '# SNPTEST-DONE':
            done = True
        elif line == '# KUNIT-BEGIN':
            section = 'kunit'
        elif line == '# KVM-BEGIN':
            section = 'kvm'
        elif line in ('# KUNIT-END', '# KVM-END'):
            section = None
        elif section == 'kunit':
            if line.startswith('# KUNIT-SUITE '):
                suite = line.split(None, 2)[2]
                kunit[suite] = []
            elif line.startswith('#| ') and suite is not None:
                # cases are indented once; the suite's own line is not
                m = re.match(r'#\|\s+(not ok|ok) \d+ (\S+)(?:\s+#\s*(.*))?$', line)
                if m and line.startswith('#|  '):
                    st = 'pass' if m.group(1) == 'ok' else 'fail'
                    why = m.group(3) or ''
                    if why.upper().startswith('SKIP'):
                        st, why = 'skip', why[4:].strip()
                    kunit[suite].append((m.group(2), st, why))
        elif section == 'kvm':
            m = re.match(r'(not ok|ok) \d+ (\S+)(?:\s+#\s*(.*))?$', line)
            if m:
                st = 'pass' if m.group(1) == 'ok' else 'fail'
                why = m.group(3) or ''
                if why.startswith('SKIP'):
                    st, why = 'skip', why[4:].strip()
                kvm[m.group(2)] = (st, why, out)
                out = []
            elif line.startswith('#  '):
                out.append(line[3:])
    return kvm, kunit, done


def compare(expected, tap, summary_path):
    tests, order = load_expected(expected)
    kvm, kunit, done = parse_tap(tap)
    rows = []          # (result, kind, name, detail)

    def add(res, kind, name, detail=''):
        rows.append((res, kind, name, detail))

    for key in order:
        t = tests[key]
        kind, name = key
        if t['expect'] == 'notrun':
            add('skip', kind, name, 'not run: ' + t['reason'])
            continue
        if kind == 'kvm':
            if name not in kvm:
                add('fail', kind, name, 'missing from the results' +
                    ('' if done else ' (the guest did not finish)'))
                continue
            st, why, out = kvm[name]
            if st == 'fail':
                tail = ' | '.join(l for l in out[-3:] if l.strip())
                add('fail', kind, name, why + (': ' + tail if tail else ''))
            elif st == 'skip':
                if t['expect'] == 'pass':
                    add('fail', kind, name, 'expected to pass, skipped: ' + why)
                else:
                    add('skip', kind, name, why + ' [expected: ' + t['reason'] + ']')
            else:
                note = '' if t['expect'] == 'pass' else \
                    'passed, but expected to skip; update tests/expected-results.txt'
                add('pass', kind, name, note)
        else:
            if name not in kunit:
                add('fail', kind, name, 'suite missing from the results')
                continue
            cases = kunit[name]
            if not cases:
                add('fail', kind, name, 'suite ran no test case')
            for case, st, why in cases:
                full = name + '.' + case
                if st == 'skip' and t['expect'] == 'pass' and not why:
                    add('fail', kind, full, 'skipped without a reason')
                else:
                    add(st, kind, full, why)
    for name in kvm:
        if ('kvm', name) not in tests:
            add('fail', 'kvm', name, 'not in tests/expected-results.txt; add it')
    for name in kunit:
        if ('kunit', name) not in tests:
            add('fail', 'kunit', name, 'suite not in tests/expected-results.txt; add it')

    with open(summary_path, 'w') as s:
        counts = {'pass': 0, 'fail': 0, 'skip': 0}
        for res, kind, name, detail in rows:
            counts[res] += 1
        s.write('Boot test: %d passed, %d failed, %d skipped\n\n' %
                (counts['pass'], counts['fail'], counts['skip']))
        for title, want in (('Failed', 'fail'), ('Skipped (with reasons)', 'skip'),
                            ('Passed', 'pass')):
            sel = [r for r in rows if r[0] == want]
            s.write('%s: %d\n' % (title, len(sel)))
            for res, kind, name, detail in sel:
                s.write('  %-5s %-45s %s\n' % (kind, name, detail))
            s.write('\n')
    for res, kind, name, detail in rows:
        print('%s %s %s%s' % (res, kind, name, ' -- ' + detail if detail else ''))


def side_by_side(base, patched):
    bk, bu, _ = parse_tap(base)
    pk, pu, _ = parse_tap(patched)
    names = sorted(set(bk) | set(pk))
    regressions = 0
    print('%-45s %-8s %-8s' % ('KVM selftest', 'base', 'patched'))
    for n in names:
        b = bk.get(n, ('-',))[0]
        p = pk.get(n, ('-',))[0]
        flag = ''
        if b == 'pass' and p != 'pass':
            flag, regressions = '  <-- REGRESSION', regressions + 1
        elif b != p:
            flag = '  <-- changed'
        print('%-45s %-8s %-8s%s' % (n, b, p, flag))

    def suite_state(cases):
        if not cases:
            return '-'
        if any(st == 'fail' for _, st, _ in cases):
            return 'fail'
        return 'pass' if any(st == 'pass' for _, st, _ in cases) else 'skip'
    print()
    print('%-45s %-8s %-8s' % ('KUnit suite', 'base', 'patched'))
    for s in sorted(set(bu) | set(pu)):
        b, p = suite_state(bu.get(s, [])), suite_state(pu.get(s, []))
        flag = ''
        if b == 'pass' and p != 'pass':
            flag, regressions = '  <-- REGRESSION', regressions + 1
        elif b != p:
            flag = '  <-- ' + ('new' if b == '-' else 'changed')
        print('%-45s %-8s %-8s%s' % (s, b, p, flag))
    print()
    print('%d regression(s)' % regressions)
    return 1 if regressions else 0


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == 'plan':
        plan(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == 'compare':
        compare(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == 'side-by-side':
        sys.exit(side_by_side(*sys.argv[2:]))
    else:
        sys.exit(__doc__)
