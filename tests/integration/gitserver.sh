# tests/integration/gitserver.sh - a real smart-HTTP git server on 127.0.0.1 for the tests:
# nginx (basic auth) -> fcgiwrap (unix socket) -> /usr/lib/git-core/git-http-backend.
# Source it after tests/lib.sh, then:
#   gitserver_start USER TOKEN     starts the server; sets GITSERVER_URL (http://127.0.0.1:PORT),
#                                  GITSERVER_ROOT (the directory holding the bare repositories)
#   gitserver_new_repo NAME        creates an empty bare repository NAME.git (pushes allowed, HEAD main)
#   gitserver_stop                 stops nginx and fcgiwrap (also runs on EXIT through a trap)
#   gitserver_url NAME             prints the URL of a repository without credentials
# Everything (config, sockets, pid files, temp paths, logs) lives under $TRASH/gitserver.
# The servers listen on loopback only and a watchdog stops them after GITSERVER_MAX_SECONDS.

GITSERVER_DIR=${TRASH:?source tests/lib.sh first}/gitserver
GITSERVER_ROOT=$GITSERVER_DIR/repos
GITSERVER_URL=
GITSERVER_PORT=
GITSERVER_MAX_SECONDS=${GITSERVER_MAX_SECONDS:-400}
gitserver_fcgi_pid=
gitserver_nginx_pid=
gitserver_watchdog_pid=

gitserver_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Stops nginx by the pid in its pid file (works whichever shell or subshell started it).
gitserver_nginx_kill() {
	gs_pid=$(cat "$GITSERVER_DIR/nginx.pid" 2>/dev/null)
	[ -n "$gs_pid" ] || gs_pid=$gitserver_nginx_pid
	gitserver_nginx_pid=
	[ -n "$gs_pid" ] || return 0
	gs_kill_group "$gs_pid"
	rm -f "$GITSERVER_DIR/nginx.pid"
	return 0
}

# gs_kill_group PID : stops the process group PID leads (started through setsid), waiting up to 5 s,
# then SIGKILL. No ps needed: fcgiwrap's workers and the watchdog's sleep are in the group.
gs_kill_group() {
	[ -n "$1" ] || return 0
	kill -TERM -"$1" 2>/dev/null
	i=0
	while kill -0 -"$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL -"$1" 2>/dev/null
	return 0
}

gitserver_stop() {
	gitserver_nginx_kill
	gs_kill_group "$gitserver_fcgi_pid"
	gitserver_fcgi_pid=
	gs_kill_group "$gitserver_watchdog_pid"
	gitserver_watchdog_pid=
	rm -f "$GITSERVER_DIR/fcgiwrap.sock"
}

gitserver_trap() {
	sh -c 'echo $PPID' >"$GITSERVER_DIR/self.$$" 2>/dev/null || return 0
	read -r gs_self <"$GITSERVER_DIR/self.$$"
	rm -f "$GITSERVER_DIR/self.$$"
	[ "$gs_self" = "$gitserver_owner" ] || return 1
	gitserver_stop
}

gitserver_start() {
	gs_user=$1 gs_token=$2
	mkdir -p "$GITSERVER_DIR/tmp" "$GITSERVER_ROOT" || return 1
	# the password hash comes from stdin: the token is in no process's argv
	printf '%s' "$gs_token" | openssl passwd -apr1 -stdin >"$GITSERVER_DIR/hash" || return 1
	printf '%s:%s\n' "$gs_user" "$(cat "$GITSERVER_DIR/hash")" >"$GITSERVER_DIR/htpasswd"
	rm -f "$GITSERVER_DIR/hash" "$GITSERVER_DIR/fcgiwrap.sock"
	# dash runs an inherited EXIT trap in subshells too ("( ... ) &"): only the shell that started
	# the server may stop it from a trap
	sh -c 'echo $PPID' >"$GITSERVER_DIR/owner"
	read -r gitserver_owner <"$GITSERVER_DIR/owner"
	trap 'gitserver_trap' EXIT
	trap 'gitserver_trap && exit 130' INT TERM
	# each server leads its own process group (setsid), so that stopping it stops its workers too
	setsid fcgiwrap -c 16 -s "unix:$GITSERVER_DIR/fcgiwrap.sock" >"$GITSERVER_DIR/fcgiwrap.log" 2>&1 &
	gitserver_fcgi_pid=$!
	attempt=0
	while :; do
		attempt=$((attempt + 1))
		GITSERVER_PORT=$(gitserver_free_port) || return 1
		cat >"$GITSERVER_DIR/nginx.conf" <<EOF
daemon off;
user root root;
worker_processes 2;
pid $GITSERVER_DIR/nginx.pid;
error_log $GITSERVER_DIR/error.log warn;
events { worker_connections 256; }
http {
	access_log $GITSERVER_DIR/access.log;
	client_body_temp_path $GITSERVER_DIR/tmp/body;
	proxy_temp_path $GITSERVER_DIR/tmp/proxy;
	fastcgi_temp_path $GITSERVER_DIR/tmp/fastcgi;
	uwsgi_temp_path $GITSERVER_DIR/tmp/uwsgi;
	scgi_temp_path $GITSERVER_DIR/tmp/scgi;
	client_max_body_size 0;
	server {
		listen 127.0.0.1:$GITSERVER_PORT;
		location / {
			auth_basic "git";
			auth_basic_user_file $GITSERVER_DIR/htpasswd;
			fastcgi_pass unix:$GITSERVER_DIR/fcgiwrap.sock;
			fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
			fastcgi_param GIT_PROJECT_ROOT $GITSERVER_ROOT;
			fastcgi_param GIT_HTTP_EXPORT_ALL "";
			fastcgi_param PATH_INFO \$uri;
			fastcgi_param REMOTE_USER \$remote_user;
			fastcgi_param QUERY_STRING \$query_string;
			fastcgi_param REQUEST_METHOD \$request_method;
			fastcgi_param CONTENT_TYPE \$content_type;
			fastcgi_param CONTENT_LENGTH \$content_length;
			fastcgi_param HTTP_CONTENT_ENCODING \$http_content_encoding;
			fastcgi_param GIT_PROTOCOL \$http_git_protocol;
		}
	}
}
EOF
		setsid nginx -e "$GITSERVER_DIR/error.log" -p "$GITSERVER_DIR" -c "$GITSERVER_DIR/nginx.conf" \
			>>"$GITSERVER_DIR/nginx.log" 2>&1 &
		gitserver_nginx_pid=$!
		# wait until it answers (401 without credentials) or has died
		i=0
		while [ $i -lt 50 ]; do
			if ! kill -0 "$gitserver_nginx_pid" 2>/dev/null; then break; fi
			code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GITSERVER_PORT/" 2>/dev/null)
			[ "$code" = 401 ] && break
			sleep 0.1; i=$((i + 1))
		done
		if [ "$code" = 401 ]; then break; fi
		gs_kill_group "$gitserver_nginx_pid"; wait "$gitserver_nginx_pid" 2>/dev/null
		gitserver_nginx_pid=
		if [ $attempt -ge 5 ]; then
			echo "gitserver: nginx did not start:" >&2
			tail -n 20 "$GITSERVER_DIR/error.log" "$GITSERVER_DIR/nginx.log" >&2
			gitserver_stop
			return 1
		fi
	done
	GITSERVER_URL=http://127.0.0.1:$GITSERVER_PORT
	# a watchdog: the servers never outlive the test by long, whatever happens to the shell
	setsid sh -c 'sleep "$1"; kill -TERM -"$(cat "$2/nginx.pid")" -"$3"' watchdog "$GITSERVER_MAX_SECONDS" \
		"$GITSERVER_DIR" "$gitserver_fcgi_pid" >/dev/null 2>&1 </dev/null &
	gitserver_watchdog_pid=$!
	export GITSERVER_URL GITSERVER_ROOT GITSERVER_PORT
	return 0
}

# Stop nginx (the server is "down"); gitserver_resume starts it again on the same port.
gitserver_pause() {
	gitserver_nginx_kill
}

gitserver_resume() {
	setsid nginx -e "$GITSERVER_DIR/error.log" -p "$GITSERVER_DIR" -c "$GITSERVER_DIR/nginx.conf" \
		>>"$GITSERVER_DIR/nginx.log" 2>&1 &
	gitserver_nginx_pid=$!
	i=0
	while [ $i -lt 50 ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$GITSERVER_URL/" 2>/dev/null)
		[ "$code" = 401 ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

gitserver_new_repo() {
	git init -q --bare -b main "$GITSERVER_ROOT/$1.git" &&
	git -C "$GITSERVER_ROOT/$1.git" config http.receivepack true
}

gitserver_url() {
	printf '%s/%s.git\n' "$GITSERVER_URL" "$1"
}

# git CLI against the server with credentials from the environment (never in argv):
#   GITSERVER_USER / GITSERVER_TOKEN, handed to git as an Authorization header through GIT_CONFIG_*.
gitcli() {
	GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=http.extraHeader \
	GIT_CONFIG_VALUE_0="Authorization: Basic $(printf '%s:%s' "$GITSERVER_USER" "$GITSERVER_TOKEN" | base64 -w0)" \
	GIT_TERMINAL_PROMPT=0 GIT_AUTHOR_NAME=Someone GIT_AUTHOR_EMAIL=someone@example.org \
	GIT_COMMITTER_NAME=Someone GIT_COMMITTER_EMAIL=someone@example.org git "$@"
}

# publish_lab DIR : a copy of the example lab (vosctl.yaml + inventory/) in DIR for publish tests.
publish_lab() {
	mkdir -p "$1" && cp -R "$SRC/inventory" "$1/inventory" && cp "$SRC/vosctl.yaml" "$1/vosctl.yaml"
}

# vosctl_publish DIR [args...] : vosctl publish in lab DIR against repository wiki, with the token
# from the environment only and the cache under $TRASH/cache (unless XDG_CACHE_HOME is set).
vosctl_publish() {
	gs_lab=$1; shift
	VOSCTL_TOKEN=${PUBLISH_TOKEN-$GITSERVER_TOKEN} VOSCTL_GIT_USER=$GITSERVER_USER \
	XDG_CACHE_HOME=${XDG_CACHE_HOME:-$TRASH/cache} VOSCTL_NOW=${VOSCTL_NOW:-2026-11-23T18:30:00.000Z} \
		"$VOSCTL" -C "$gs_lab" publish --remote "${PUBLISH_URL:-$(gitserver_url wiki)}" "$@"
}

# no_token_anywhere FILE... : the token appears in none of the files nor in the cache directories
no_token_anywhere() {
	for f in "$@"; do
		if grep -F -q -e "$GITSERVER_TOKEN" "$f"; then echo "token found in $f" >&2; return 1; fi
	done
	if [ -d "$TRASH/cache" ] && grep -r -F -q -e "$GITSERVER_TOKEN" "$TRASH/cache"; then
		echo "token found in the cache:" >&2; grep -r -F -l -e "$GITSERVER_TOKEN" "$TRASH/cache" >&2
		return 1
	fi
	return 0
}
