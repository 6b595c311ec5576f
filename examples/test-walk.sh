# Walkthrough cases, sourced by test-examples.sh: each script runs its own
# tracerd (build/tracerd) on a private socket and log.

# walk SCRIPT: run it into $O, expect exit 0.
walk() {
	timeout 300 "$TOP/examples/$1" >"$O" 2>&1 || fail "$1 exited $?"
}

t_audit_build() {
	walk audit-build.sh
	has '^== what the build tried to create, by directory'
	# make's mkdir -p calls, grouped under the output tree
	has '^  /tmp/notif-ex-audit-build\.[^/]+/out/$'
	has '^      obj +emulated: created +x1 by mkdir$'
	has '^      obj +emulated: EEXIST +x1 by mkdir$'
	has '^      bin +emulated: created +x1 by mkdir$'
	has '^      man1 +emulated: created +x1 by install$'
	has '^  /var/cache/$'
	has '^      notif-ex-hello-[0-9]+ +denied: EPERM \(.*\) +x1 by mkdir$'
	has 'Operation not permitted'
	has '^hello, world$'
	has 'was not created \(denied\)'
}

t_installer() {
	walk installer.sh
	count '^    FAILED  ' 2
	count '^    created ' 2
	has "cannot create directory .*\\.local': Operation not permitted"
	has 'installer exit status: 1'
	has '\(nothing: every creation there was denied\)'
	has '^    icons/48x48$'
	has '^    data$'
	has '^  denied +EPERM +mkdir +/var/tmp/[^ ]+/\.local '
	has '^  emulated +- +mkdir +/tmp/[^ ]+/fooapp-cache '
	has '^  \{.*"decision":"denied"'
}

t_tar_git() {
	walk tar-git.sh
	count '^  identical: [0-9]+ entries' 2
	hasnt 'DIFFERENT'
	has '^    proj/shared 2775 '
	has '^    proj/drop 1777 '
	has '^      tar +emulated'
	has '^      git +emulated'
	hasnt ' denied '
}

t_fork_tree() {
	walk fork-tree.sh
	count '^  fork-tree: pid [0-9]+ ppid [0-9]+ depth [0-9]: mkdir\(.*\) = 0$' 7
	has 'exec /bin/mkdir'
	has '^  attach events: 1: pid [0-9]+$'
	has 'processes whose mkdir calls were answered: 8:'
	has '=> one listener \(the root.s attach\) covered the whole tree'
}

# Nothing the walkthroughs started is still listening.
t_no_leftovers() {
	O=/proc/net/unix
	hasnt '@notif-ex-'
}

t "audit-build.sh: build tree grouped by directory, cache denied" t_audit_build
t "installer.sh: \$HOME denied, /tmp created, log shows why" t_installer
t "tar-git.sh: tar -x and git init identical to native (umask 022, 077)" t_tar_git
t "fork-tree.sh: one attach covers the whole fork/exec tree" t_fork_tree
t "walkthroughs leave no tracerd listening" t_no_leftovers
