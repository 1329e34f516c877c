#!/bin/sh
# The `vote` service's page: GET shows the two choices, POST vote=cats|dogs queues the vote in redis (RPUSH votes).
# Served by busybox httpd as /cgi-bin/index.cgi, so the site's root answers both.
choice=
if [ "$REQUEST_METHOD" = POST ]; then
	read -r -n "${CONTENT_LENGTH:-0}" body
	case "$body" in
	*vote=cats*) choice=cats ;;
	*vote=dogs*) choice=dogs ;;
	esac
fi
printf 'Content-Type: text/html\r\n\r\n'
echo "<!doctype html><title>Cats or dogs?</title><h1>Cats or dogs?</h1>"
echo '<form method="post"><button name="vote" value="cats">Cats</button> <button name="vote" value="dogs">Dogs</button></form>'
if [ -n "$choice" ]; then
	if redis-cli -h redis RPUSH votes "$choice" >/dev/null 2>&1; then
		echo "<p>Vote for $choice queued.</p>"
	else
		echo "<p>Vote lost: redis does not answer.</p>"
	fi
fi
echo "<p>Served by $(hostname)</p>"
